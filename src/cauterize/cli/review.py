"""``cauterize review``: cases from decisions, sink delivery, audit verification, evidence packages, back-tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from cauterize.cli.common import ConfigOption, console, err_console, get_config, untrusted

review_app = typer.Typer(
    help="Review workspace operations (the console does the same over HTTP).", no_args_is_help=True
)


def _svc(config):  # type: ignore[no-untyped-def]
    from cauterize.app import open_store
    from cauterize.review.service import ReviewService

    cfg = get_config(config)
    return ReviewService(cfg, open_store(cfg))


@review_app.command("sync")
def sync(config: ConfigOption = None) -> None:
    """Turn new decisions into cases (and run automatic actions, if enabled), then deliver to sinks."""
    svc = _svc(config)
    touched = svc.sync()
    console.print(f"{len(touched)} case(s) opened or updated; delivery: {svc.deliver()}")


@review_app.command("deliver")
def deliver(config: ConfigOption = None) -> None:
    """Retry pending deliveries to the output sinks."""
    console.print(_svc(config).deliver())


def _trusted_key(svc, public_key: Path | None) -> bytes | None:  # type: ignore[no-untyped-def]
    """The key to trust: the one named, else this install's own signing key if it has one."""
    if public_key is not None:
        return public_key.read_bytes()
    from cauterize.review.escalation import public_pem

    path = svc.settings.signing_key or svc.settings.data_dir / "evidence-ed25519.pem"
    return public_pem(svc.signing_key()) if Path(path).exists() else None


@review_app.command("verify-audit")
def verify_audit(
    expected_head: Annotated[
        str | None, typer.Option(help="A head hash kept elsewhere (sinks get one with every action).")
    ] = None,
    checkpoint: Annotated[
        list[Path] | None, typer.Option(help="Signed checkpoint file(s) from `audit-checkpoint`; repeatable.")
    ] = None,
    public_key: Annotated[
        Path | None, typer.Option(help="Key the checkpoints are signed with (default: this install's).")
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Walk the audit hash chain; exit 1 and name the first bad row if it was edited, deleted or reordered."""
    from cauterize.review import checkpoint as cp
    from cauterize.review.audit import verify

    svc = _svc(config)
    kept: dict[int, str] = {}
    if checkpoint:
        pem = _trusted_key(svc, public_key)
        if pem is None:
            err_console.print("no key to check the checkpoints with: pass --public-key")
            raise typer.Exit(2)
        for path in checkpoint:
            try:
                seq, head = cp.read(path.read_bytes(), pem)
            except (OSError, ValueError) as exc:
                err_console.print(untrusted(f"{path}: {exc}"))
                raise typer.Exit(1) from None
            kept[seq] = head
    v = verify(svc.engine, expected_head, kept)
    console.print_json(json.dumps(v.as_dict()))
    if not v.ok:
        raise typer.Exit(1)


@review_app.command("audit-checkpoint")
def audit_checkpoint(
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write it: somewhere the store's admins cannot.")],
    config: ConfigOption = None,
) -> None:
    """Write a signed checkpoint of the audit chain's newest row, for `verify-audit --checkpoint`."""
    from cauterize.review import checkpoint as cp

    svc = _svc(config)
    out.write_bytes(cp.make(svc.engine, svc.signing_key()))
    console.print(untrusted(f"wrote {out}"))


@review_app.command("evidence")
def evidence(
    case_id: int,
    out: Annotated[Path, typer.Option("--out", "-o", help="Zip file to write.")],
    config: ConfigOption = None,
) -> None:
    """Write the signed evidence package of a case (security team / law enforcement)."""
    import getpass

    from cauterize.review import audit
    from cauterize.review.actions import CaseNotFound
    from cauterize.review.escalation import build_package

    svc = _svc(config)
    try:
        data = build_package(svc.engine, case_id, svc.signing_key(), f"cli:{getpass.getuser()}")
    except CaseNotFound:
        err_console.print(f"[red]no case {case_id}[/]")
        raise typer.Exit(2) from None
    out.write_bytes(data)
    audit.record(svc.engine, f"cli:{getpass.getuser()}", "evidence_exported", {"bytes": len(data)}, case_id)
    console.print(f"wrote {out} ({len(data)} bytes)")


@review_app.command("verify-evidence")
def verify_evidence(
    package: Path,
    public_key: Annotated[
        Path | None, typer.Option(help="The published PEM key to trust (default: this install's own key).")
    ] = None,
    trust_embedded_key: Annotated[
        bool, typer.Option(help="Check only that the files match the key inside (proves nothing about the signer).")
    ] = False,
    config: ConfigOption = None,
) -> None:
    """Check an evidence package's signature against a trusted key, and every file's hash."""
    from cauterize.review.escalation import verify_package

    pem = None if trust_embedded_key and public_key is None else _trusted_key(_svc(config), public_key)
    if pem is None and not trust_embedded_key:
        err_console.print("no trusted key: pass --public-key with the key the security team published")
        raise typer.Exit(2)
    ok, msg = verify_package(package.read_bytes(), pem, trust_embedded_key=trust_embedded_key)
    (console if ok else err_console).print(untrusted(msg))
    if not ok:
        raise typer.Exit(1)


@review_app.command("signing-key")
def signing_key(config: ConfigOption = None) -> None:
    """Print the public key evidence packages are signed with (created on first use)."""
    from cauterize.review.escalation import public_pem

    print(public_pem(_svc(config).signing_key()).decode(), end="")


@review_app.command("backtest")
def backtest_cmd(
    rules: Annotated[Path, typer.Argument(help="TOML with [[rules]] tables, or a JSON list of rules.")],
    limit: int = 50,
    config: ConfigOption = None,
) -> None:
    """Replay stored signals through candidate rules and list the hits (writes nothing)."""
    import tomllib

    from cauterize.review.backtest import backtest

    text = rules.read_text()
    parsed = json.loads(text) if rules.suffix == ".json" else tomllib.loads(text).get("rules", [])
    result = backtest(_svc(config).engine, parsed, limit=limit)
    for r in result["per_rule"]:
        console.print(
            f"{r['rule']:28} {r['action']:16} signals {r['signals']:6}  accounts {r['accounts']:5}  new {r['new_accounts']}"
        )
    for h in result["hits"]:
        console.print(
            f"  {h['rule']:26} {h['account_id']:18} {h['label']:22} {h['score']:.3f} {h['event_time']:%Y-%m-%d %H:%M}"
        )


@review_app.command("metrics")
def metrics_cmd(config: ConfigOption = None) -> None:
    """Overturn rates per rule and per model version (from decided appeals)."""
    from cauterize.review.metrics import overturn_rates

    rates = overturn_rates(_svc(config).engine)
    for kind in ("rule", "model"):
        for r in rates[kind]:
            rate = "—" if r["overturn_rate"] is None else f"{r['overturn_rate']:.1%}"
            console.print(
                f"{kind:5} {r[kind]:32} actioned {r['cases_actioned']:5}  appeals {r['appeals_decided']:4}  "
                f"overturned {r['overturned']:4}  rate {rate}"
            )


def register(app: typer.Typer) -> None:
    app.add_typer(review_app, name="review")
