"""``python -m cauterize``: the same command as ``cauterize``."""

from cauterize.cli.main import app

app(prog_name="cauterize")
