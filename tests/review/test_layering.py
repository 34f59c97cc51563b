"""The layering rules of docs/architecture.md, for the review and web packages."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "cauterize"


def _imports(path: Path, top_level_only: bool = False) -> set[str]:
    tree = ast.parse(path.read_text())
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    out = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
    return out


def _files(*parts: str) -> list[Path]:
    return sorted((SRC.joinpath(*parts)).rglob("*.py"))


def test_review_and_web_never_import_the_simulator_or_the_cli():
    for path in _files("review") + _files("web"):
        bad = {m for m in _imports(path) if m.startswith(("cauterize.sim", "cauterize.cli"))}
        assert not bad, f"{path.relative_to(SRC)} imports {bad}"


def test_detectors_and_policies_never_know_the_review_layer_or_the_web():
    for path in _files("detectors") + _files("policy"):
        bad = {m for m in _imports(path) if m.startswith(("cauterize.review", "cauterize.web", "cauterize.store"))}
        assert not bad, f"{path.relative_to(SRC)} imports {bad}"


def test_the_demo_imports_the_simulator_only_inside_its_function():
    demo = SRC / "cli" / "demo.py"
    assert not {m for m in _imports(demo, top_level_only=True) if m.startswith("cauterize.sim")}
    assert "cauterize.sim.run" in _imports(demo)
