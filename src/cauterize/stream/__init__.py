"""Kafka-protocol streaming: partitioned workers that run the same pipeline as ``cauterize ingest``.

``client`` builds the Kafka client settings and topics, ``keys`` says which partition a record
belongs to, ``shared_state`` broadcasts what every worker must know through the database,
``publish`` sends a run's decisions and dead letters out once the store holds them, ``worker``
is the consume -> store -> publish -> commit loop and ``produce`` feeds a file into the input
topic. confluent-kafka is an optional extra (``pip install 'cauterize[kafka]'``).
"""
