"""Ingested text is the attacker's: it must reach a terminal or a page inert (issue 12, point 8)."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from cauterize.cli.main import app as cli
from cauterize.display import visible
from tests.conftest import ev, jsonl
from tests.web.conftest import login

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / "cauterize.toml"
RLO = "\u202e"


def _run(tmp_path: Path, *args: str):
    env = {"CAUTERIZE_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "250"}
    return CliRunner().invoke(cli, [*args, "--config", str(CONFIG)], env=env, catch_exceptions=False)


def test_visible_marks_controls_and_bidi_overrides_and_keeps_the_rest():
    assert visible("plain ascii [x] text") == "plain ascii [x] text"
    assert visible("\x1b[2Jgone") == "<U+001B>[2Jgone"
    assert visible(f"moc.{RLO}elpmaxe") == "moc.<U+202E>elpmaxe"
    assert visible("عربي\tok\n") == "عربي\tok\n"


def test_accounts_show_prints_markup_and_escape_codes_as_text(tmp_path):
    events = [
        ev(
            "account_created",
            "e1",
            "u1",
            0,
            handle="[/x]",
            display_name="\x1b[31mred\x1b[0m",
            bio="[red]boom[/red] [link=http://evil.example]click[/link]",
        ),
        ev("account_created", "e2", "u2", 1, handle=f"evil{RLO}gnp.exe"),
    ]
    src = tmp_path / "hostile.jsonl"
    src.write_bytes(jsonl(*events))
    assert _run(tmp_path, "ingest", str(src), "-q").exit_code == 0

    shown = _run(tmp_path, "accounts", "show", "u1")
    assert shown.exit_code == 0, shown.output
    assert "[/x]" in shown.output and "[red]boom[/red]" in shown.output
    assert "\x1b" not in shown.output and "<U+001B>[31mred" in shown.output

    rtl = _run(tmp_path, "accounts", "show", "u2")
    assert RLO not in rtl.output and "evil<U+202E>gnp.exe" in rtl.output


def test_the_console_shows_a_bidi_override_in_a_handle_instead_of_obeying_it(app):
    client = TestClient(app)
    alice = {"Authorization": f"Bearer {app.state.svc.users.create_token('alice', 't')}"}
    (case,) = client.get("/api/v1/queues/ban_evasion/cases", headers=alice).json()
    # The case's account renames itself with a right-to-left override in the handle.
    body = jsonl(ev("profile_changed", "rlo1", "C", 500, handle=f"ash{RLO}nem_nehsa"))
    assert client.post("/v1/ingest", content=body, headers=alice).status_code == 200
    login(client, "alice")
    page = client.get(f"/cases/{case['id']}")
    assert page.status_code == 200
    assert RLO not in page.text and "ash&lt;U+202E&gt;nem_nehsa" in page.text


def test_a_right_to_left_override_does_not_escape_the_look_alike_fold():
    from cauterize.evasion.handles import compact, skeleton, visual_order

    # Stored as "ashen_" + RLO + "aidem": shown to every reader as "ashen_media".
    hidden = f"ashen_{RLO}aidem"
    assert visual_order(hidden) == "ashen_media"
    assert skeleton(hidden) == skeleton("ashen_media")
    assert compact(f"ashen_{RLO}aidem\u202c7") == compact("ashen_media7")
    assert visual_order("plain_handle") == "plain_handle"
