from __future__ import annotations

import hashlib
import json
from pathlib import Path

from typer.testing import CliRunner

from cauterize.cli.main import app

MD5 = hashlib.md5(b"ashen banner clip").hexdigest()


def test_banks_import_list_match_export(tmp_path: Path) -> None:
    tat = [
        {
            "id": 7,
            "hash_digest": MD5,
            "algorithm": "MD5",
            "ideology": "far-right",
            "file_type": "mp4",
            "deleted": False,
        },
    ]
    (tmp_path / "tat.json").write_text(json.dumps(tat))
    (tmp_path / "lists.csv").write_text(
        "signal_type,value,labels,bank,entry_id\ndomain,files.example,file_locker,lists,d1\n"
    )
    bank = tmp_path / "banks.json"
    runner = CliRunner()
    r = runner.invoke(app, ["banks", "import", str(tmp_path / "tat.json"), "-o", str(bank)])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["banks", "import", str(tmp_path / "lists.csv"), "-o", str(bank)])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["banks", "list", str(bank)])
    assert r.exit_code == 0 and "file_locker" in r.output and "terrorist_media" in r.output
    r = runner.invoke(app, ["banks", "match", str(bank), "--hash", f"md5:{MD5}", "--url", "http://a.files.example/"])
    assert r.exit_code == 0, r.output
    rows = [json.loads(line) for line in r.output.splitlines() if line.startswith("{")]
    assert {(x["bank"], x["entry_id"]) for x in rows} == {("tat", "7"), ("lists", "d1")}
    r = runner.invoke(app, ["banks", "match", str(bank), "--url", "http://other.example/"])
    assert r.exit_code == 1
    out = tmp_path / "out.csv"
    r = runner.invoke(app, ["banks", "export", str(bank), "-o", str(out)])
    assert r.exit_code == 0
    assert f"md5,{MD5},terrorist_media|ideology.far-right,tat,7" in out.read_text()
