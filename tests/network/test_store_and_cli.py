from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from cauterize.cli.main import app
from cauterize.ingest.sources import BytesSource
from cauterize.network import persist
from cauterize.network.service import NetworkSettings, analyse_store, run_census
from cauterize.store import schema_network as sn
from tests.conftest import jsonl

runner = CliRunner()


def _count(store, table) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def test_graph_survives_restarts_and_continues_from_the_cursor(world, store, pipeline, cfg):
    half = len(world.events) // 2
    pipeline.run([BytesSource(jsonl(*world.events[:half]), "first")])
    g1, st1 = persist.update_graph(store, "testnet")
    assert st1.edges_read > 0 and st1.rows_written == len(g1.table) == _count(store, sn.network_edges)
    again, st_again = persist.update_graph(store, "testnet")
    assert st_again.edges_read == 0 and st_again.rows_written == 0 and len(again.table) == len(g1.table)

    from cauterize.app import build_pipeline

    build_pipeline(cfg, store).run([BytesSource(jsonl(*world.events[half:]), "second")])
    g2, st2 = persist.update_graph(store, "testnet")
    assert 0 < st2.rows_written <= len(g2.table)
    # Same graph as folding everything in one go, read back from the store.
    fresh, _ = persist.load_graph(store, "testnet")
    with store.engine.begin() as conn:
        conn.execute(sn.network_edges.delete())
        conn.execute(sn.network_state.delete())
    whole, _ = persist.update_graph(store, "testnet")
    key = lambda g: sorted(  # noqa: E731
        (g.keys[s], g.keys[d], int(k), int(c))
        for s, d, k, c in zip(g.table.src, g.table.dst, g.table.kind, g.table.count, strict=True)
    )
    assert key(fresh) == key(whole) == key(g2)
    # The amplifier's "follow the new account" mentions are stored as shout-outs, the
    # journalist's and counter-messaging account's mentions of what they answer are not stored at all.
    kinds = {(k[0], k[1]): k[2] for k in key(whole)}
    assert kinds[("amp0", "new0")] == kinds[("amp0", "new1")] == 5  # KIND_CODE["shoutout"]
    assert not {(w, "off0") for w in ("journo", "counter")} & {k for k, v in kinds.items() if v == 4}
    np.testing.assert_allclose(sorted(fresh.weights_at(whole.now)), sorted(whole.weights_at(whole.now)), rtol=1e-6)


def test_scores_use_the_platform_suspensions_as_seeds_and_keep_evidence(world, store, pipeline):
    pipeline.run([BytesSource(jsonl(*world.events), "w")])
    a = analyse_store(store, NetworkSettings(allowlist=["sym9"]), "testnet")
    g, r = a.graph, a.scores
    assert [g.keys[i] for i in r.seeds] == ["off0"]
    saved = persist.scores_for(store, "testnet", ["off1", "journo", "sym9", "off0", "user5"])
    assert saved["off0"]["seed"] and saved["off1"]["adjusted"] > 0
    assert saved["journo"]["protected"] and saved["journo"]["adjusted"] == 0
    assert saved["journo"]["evidence"]["protected_because"]
    assert saved["sym9"]["protected"] and saved["sym9"]["evidence"]["protected_because"] == ["allow-listed"]
    assert saved["off1"]["role"] == "official/media"
    days, method = run_census(a, rounds=4)
    assert days and "bootstrap" in method and "held-out" in method
    assert all(d.low <= d.active <= d.high for d in days)
    assert a.seed_summary().startswith("1 seeds (1 suspend for terrorism)")
    assert saved["off0"]["evidence"]["seed_because"] == "suspend for terrorism"
    assert days[-1].suspended == 1 and days[-1].active >= len(world.network) - 4


def _cli(tmp_path: Path, *args: str):
    env = {"CAUTERIZE_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "200"}
    return runner.invoke(app, list(args), env=env, catch_exceptions=False)


def test_network_census_and_coordination_commands(world, tmp_path):
    events = tmp_path / "w.jsonl"
    events.write_bytes(jsonl(*world.events))
    assert _cli(tmp_path, "ingest", str(events), "-q").exit_code == 0

    page = tmp_path / "page.html"
    shown = _cli(tmp_path, "network", "@off1", "--html", str(page), "--png", str(tmp_path / "page.png"))
    assert shown.exit_code == 0, shown.output
    assert "@sym0" in shown.output and "@journo" in shown.output and "observer" in shown.output
    assert "seeds: 1 seeds (1 suspend for terrorism)" in shown.output  # which seeds, and why
    text = page.read_text(encoding="utf-8")
    assert "<canvas" in text and "https://" not in text and "src=" not in text  # no external resources
    data = json.loads(text.split('<script id="data" type="application/json">')[1].split("</script>")[0])
    kinds = {n["label"]: n["kind"] for n in data["nodes"]}
    assert kinds["@off1"] == "center" and kinds["@journo"] == "observer" and kinds["@sym0"] == "member"
    assert all(0 <= e["s"] < len(data["nodes"]) and 0 <= e["t"] < len(data["nodes"]) for e in data["edges"])
    journo = _cli(tmp_path, "network", "@journo", "--html", str(tmp_path / "journo.html"))
    assert journo.exit_code == 0 and "@journo: observer" in journo.output
    assert "promotion share 0.00 (" in journo.output and "quote" in journo.output  # the evidence, in words
    second = _cli(tmp_path, "network", "sym0", "--html", str(tmp_path / "sym0.html"))
    assert second.exit_code == 0 and "seed" in second.output and "@off0" in second.output
    assert (tmp_path / "page.png").stat().st_size > 10_000

    census = _cli(tmp_path, "census", "--plot", str(tmp_path / "census.png"), "--bootstrap", "3", "--json")
    assert census.exit_code == 0, census.output
    doc = json.loads(census.output)
    assert doc["seeds"] == 1 and doc["days"][-1]["suspended"] == 1
    assert doc["seed_reasons"] == {"off0": "suspend for terrorism"}
    assert (tmp_path / "census.png").read_bytes()[:4] == b"\x89PNG"

    coord = _cli(tmp_path, "coordination", "--json", "--min-items", "2", "--window", "120")
    assert coord.exit_code == 0, coord.output
    rows = [json.loads(line) for line in coord.output.splitlines()]
    reposts = [r for r in rows if r["kind"] == "co_repost"]
    assert reposts and all(r["items"] >= 2 for r in reposts)
    assert {r["a"] for r in reposts} | {r["b"] for r in reposts} <= set(world.network)

    assert _cli(tmp_path, "network", "@nobody").exit_code == 1


def test_page_escapes_account_text():
    from cauterize.network import page

    nodes = [
        {
            "id": "1",
            "label": "@</script><img src=x onerror=alert(1)>",
            "kind": "center",
            "followers": 3,
            "info": ["<b>x</b>"],
        }
    ]
    html = page.render_html("t<", "s", page.page_data(nodes, []), [{"account": "<i>a</i>"}])
    assert "</script><img" not in html and "<i>a</i>" not in html and "&lt;i&gt;a&lt;/i&gt;" in html
    assert "esc(n.label)" in html  # tooltips escape what they insert


def test_network_section_of_the_config(tmp_path):
    from cauterize.config import load_config

    path = tmp_path / "c.toml"
    path.write_text('[network]\nmember_closeness = 0.5\nallowlist = ["a"]\nbootstrap = 3\n', encoding="utf-8")
    st = NetworkSettings.from_config(load_config(path).network)
    assert st.params.member_closeness == 0.5 and st.allowlist == ["a"] and st.bootstrap == 3
    with pytest.raises(ValueError, match="unknown key"):
        NetworkSettings.from_config({"member_closenes": 0.5})


def test_snapshot_is_used_when_it_matches_the_store_and_ignored_when_stale(world, store, pipeline, tmp_path):
    half = len(world.events) // 2
    pipeline.run([BytesSource(jsonl(*world.events[:half]), "first")])
    snap = tmp_path / "net" / "graph.npz"
    g1, _ = persist.update_graph(store, "testnet", snapshot=snap)
    assert snap.exists()
    from_snap, cursor_snap = persist.load_graph(store, "testnet", snapshot=snap)
    assert from_snap.keys == g1.keys
    np.testing.assert_array_equal(from_snap.table.weight, g1.table.weight)
    # Proof that the snapshot, not the table, was read: change a weight in the table only.
    with store.engine.begin() as conn:
        conn.execute(sn.network_edges.update().where(sn.network_edges.c.src == "sym1").values(weight=42.0))
    from_db, cursor_db = persist.load_graph(store, "testnet")
    assert cursor_db == cursor_snap and 42.0 in from_db.table.weight.tolist()
    assert 42.0 not in persist.load_graph(store, "testnet", snapshot=snap)[0].table.weight.tolist()
    # A snapshot that no longer matches the table (here: rows removed behind its back) is not used.
    with store.engine.begin() as conn:
        conn.execute(sn.network_edges.delete().where(sn.network_edges.c.src == "sym0"))
    stale, _ = persist.load_graph(store, "testnet", snapshot=snap)
    assert "sym0" not in {stale.keys[i] for i in stale.table.src}  # row count differs: read from the table
    snap.write_bytes(b"not a snapshot")
    broken, _ = persist.load_graph(store, "testnet", snapshot=snap)
    assert len(broken.table) == len(stale.table)
