"""The report package keeps the layering of docs/architecture.md."""

from __future__ import annotations

from tests.review.test_layering import SRC, _files, _imports


def test_the_report_never_imports_the_simulator_the_cli_or_the_web():
    for path in _files("report"):
        bad = {m for m in _imports(path) if m.startswith(("cauterize.sim", "cauterize.cli", "cauterize.web"))}
        assert not bad, f"{path.relative_to(SRC)} imports {bad}"


def test_the_figures_are_pure_functions_that_know_no_store_or_database():
    mods = _imports(SRC / "report" / "figures.py")
    assert not {m for m in mods if m.startswith(("cauterize.store", "sqlalchemy", "cauterize.network"))}
