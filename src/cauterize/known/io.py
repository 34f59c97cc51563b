"""Reading and writing banks.

Formats (``fmt``):

- ``json``: ours, lossless: ``{"banks": [{"name", "default_labels", "entries": [{id, signal_type,
  value, labels, source, added}]}]}``.
- ``csv``: ``signal_type,value,labels,bank,entry_id`` with a header; labels joined by ``|``.
- ``te``: python-threatexchange's signal text form, one ``<signal_type> <value>`` a line (what its
  CLI prints and its local-file exchange reads); its names are mapped (``video_md5`` <-> ``md5``,
  ``raw_text`` <-> ``text_minhash``). Labels travel as a third, optional space-separated
  field of comma-joined labels, which that form ignores.
- ``tat``: the Tech Against Terrorism hash list (TCAP) JSON as python-threatexchange's client
  receives it: a list of ``{id, hash_digest, algorithm, ideology, file_type, deleted,
  created_on, updated_on}``, or a page ``{"results": [...], ...}``. Read from a local file:
  fetching it needs credentials and the network, which this code never touches. Deleted
  entries are skipped; the label is ``terrorist_media`` plus ``ideology.<ideology>``.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cauterize.known.banks import Bank, BankEntry

FORMATS = ("json", "csv", "te", "tat")
_TE_NAMES = {"video_md5": "md5", "raw_text": "text_minhash", "pdq": "pdq", "url": "url", "sha256": "sha256"}
_TE_OUT = {"md5": "video_md5", "text_minhash": "raw_text"}
_TAT_ALGOS = {"md5": "md5", "pdq": "pdq", "sha256": "sha256"}


def guess_format(path: Path) -> str:
    suffix = path.suffix.lower().lstrip(".")
    if suffix in ("csv",):
        return "csv"
    if suffix in ("txt", "te"):
        return "te"
    if suffix == "json":
        head = path.read_text(encoding="utf-8")[:4096].lstrip()
        return "tat" if head.startswith("[") or '"hash_digest"' in head else "json"
    raise ValueError(f"cannot tell the format of {path}; give one of {FORMATS}")


def load(path: Path, fmt: str | None = None, *, bank: str | None = None) -> list[Bank]:
    fmt = fmt or guess_format(path)
    text = path.read_text(encoding="utf-8")
    name = bank or path.stem
    if fmt == "json":
        return loads_json(text)
    if fmt == "csv":
        return loads_csv(text, default_bank=name)
    if fmt == "te":
        return [loads_te(text, name)]
    if fmt == "tat":
        return [loads_tat(text, name)]
    raise ValueError(f"unknown format {fmt!r}; known: {FORMATS}")


def dump(banks: list[Bank], path: Path, fmt: str | None = None) -> None:
    fmt = fmt or guess_format_for_writing(path)
    path.write_text(dumps(banks, fmt), encoding="utf-8")


def guess_format_for_writing(path: Path) -> str:
    return {"csv": "csv", "txt": "te", "te": "te"}.get(path.suffix.lower().lstrip("."), "json")


def dumps(banks: list[Bank], fmt: str) -> str:
    if fmt == "json":
        return dumps_json(banks)
    if fmt == "csv":
        return dumps_csv(banks)
    if fmt == "te":
        return "".join(dumps_te(b) for b in banks)
    if fmt == "tat":
        return dumps_tat(banks)
    raise ValueError(f"unknown format {fmt!r}; known: {FORMATS}")


def _time(value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC)
    s = str(value).replace(",", ".")
    t = datetime.fromisoformat(s)
    return t if t.tzinfo else t.replace(tzinfo=UTC)


def dumps_json(banks: list[Bank]) -> str:
    out = {
        "banks": [
            {
                "name": b.name,
                "default_labels": list(b.default_labels),
                "entries": [
                    {
                        "id": e.id,
                        "signal_type": e.signal_type,
                        "value": e.value,
                        "labels": list(e.labels),
                        "source": e.source,
                        "added": e.added.isoformat() if e.added else None,
                    }
                    for e in b.entries
                ],
            }
            for b in banks
        ]
    }
    return json.dumps(out, ensure_ascii=False, indent=1) + "\n"


def loads_json(text: str) -> list[Bank]:
    data = json.loads(text)
    return [
        Bank(
            name=b["name"],
            default_labels=tuple(b.get("default_labels", ())),
            entries=[
                BankEntry(
                    id=str(e["id"]),
                    signal_type=e["signal_type"],
                    value=e["value"],
                    labels=tuple(e.get("labels", ())),
                    source=e.get("source", ""),
                    added=_time(e.get("added")),
                )
                for e in b.get("entries", ())
            ],
        )
        for b in data["banks"]
    ]


_CSV_FIELDS = ["signal_type", "value", "labels", "bank", "entry_id"]


def dumps_csv(banks: list[Bank]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(_CSV_FIELDS)
    for b in banks:
        for e in b.entries:
            w.writerow([e.signal_type, e.value, "|".join(b.labels_of(e)), b.name, e.id])
    return buf.getvalue()


def loads_csv(text: str, default_bank: str = "imported") -> list[Bank]:
    banks: dict[str, Bank] = {}
    for row in csv.DictReader(io.StringIO(text)):
        name = row.get("bank") or default_bank
        b = banks.setdefault(name, Bank(name))
        labels = tuple(x for x in (row.get("labels") or "").split("|") if x)
        b.entries.append(
            BankEntry(
                id=row.get("entry_id") or f"{name}:{len(b.entries) + 1}",
                signal_type=row["signal_type"],
                value=row["value"],
                labels=labels,
                source="csv",
            )
        )
    return list(banks.values())


def dumps_te(bank: Bank) -> str:
    lines = []
    for e in bank.entries:
        if e.signal_type == "domain" or "\n" in e.value:
            continue  # no such python-threatexchange type / not representable on one line
        st = _TE_OUT.get(e.signal_type, e.signal_type)
        value = e.value.replace(" ", "\u00a0") if st == "raw_text" else e.value
        lines.append(f"{st} {value} {','.join(bank.labels_of(e))}\n")
    return "".join(lines)


def loads_te(text: str, name: str) -> Bank:
    b = Bank(name)
    for n, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(" ")
        st = _TE_NAMES.get(parts[0])
        if st is None or len(parts) < 2:
            raise ValueError(f"line {n}: not '<signal_type> <value>': {line[:80]!r}")
        value = parts[1].replace("\u00a0", " ")
        labels = tuple(x for x in parts[2].split(",") if x) if len(parts) > 2 else ()
        b.entries.append(BankEntry(id=f"{name}:{n}", signal_type=st, value=value, labels=labels, source="te"))
    return b


def loads_tat(text: str, name: str = "tat") -> Bank:
    data = json.loads(text)
    records = data["results"] if isinstance(data, dict) else data
    b = Bank(name, default_labels=("terrorist_media",))
    for r in records:
        if r.get("deleted"):
            continue
        st = _TAT_ALGOS.get(str(r["algorithm"]).lower())
        if st is None:
            continue
        labels = ["terrorist_media"]
        if r.get("ideology"):
            labels.append(f"ideology.{r['ideology']}")
        b.entries.append(
            BankEntry(
                id=str(r["id"]),
                signal_type=st,
                value=str(r["hash_digest"]).lower(),
                labels=tuple(labels),
                source=f"tat:{r.get('file_type', '')}",
                added=_time(r.get("created_on")),
            )
        )
    return b


def dumps_tat(banks: list[Bank]) -> str:
    out = []
    for b in banks:
        for e in b.entries:
            if e.signal_type not in _TAT_ALGOS:
                continue
            ideology = next((x.split(".", 1)[1] for x in e.labels if x.startswith("ideology.")), None)
            out.append(
                {
                    "id": e.id,
                    "hash_digest": e.value,
                    "algorithm": e.signal_type.upper(),
                    "ideology": ideology,
                    "file_type": e.source.removeprefix("tat:") if e.source.startswith("tat:") else "",
                    "deleted": False,
                    "created_on": e.added.isoformat() if e.added else None,
                    "updated_on": e.added.timestamp() if e.added else None,
                }
            )
    return json.dumps(out, indent=1) + "\n"
