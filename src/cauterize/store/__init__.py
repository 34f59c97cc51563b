"""The store: SQLAlchemy 2 Core tables, Alembic migrations, and batched writes."""
