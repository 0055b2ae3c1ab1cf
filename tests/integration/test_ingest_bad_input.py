"""Bad input never crashes a run and is never silently dropped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sidedeal.errors import BadInput
from sidedeal.graph.store import Store
from sidedeal.ingest.pipeline import ingest
from tests.helpers import write_contract
from tests.integration.market import small_market


def nodes(store: Store) -> int:
    return store.count("MATCH (n) WHERE NOT n:Migration RETURN count(n) AS n")


def test_a_directory_without_contract_files_stops_before_writing(
    store: Store, tmp_path: Path
) -> None:
    (tmp_path / "notes.txt").write_text("not data")
    with pytest.raises(BadInput, match="holds no contract file"):
        ingest(store, tmp_path, batch_size=10, rejects_dir=tmp_path / "r", scanner=None)
    assert nodes(store) == 0


def test_a_missing_required_column_names_file_and_column(store: Store, tmp_path: Path) -> None:
    market = small_market()
    for row in market["messages"]:
        del row["body"]
    directory = write_contract(tmp_path / "in", market)
    with pytest.raises(BadInput, match=r"messages\.csv: missing required column\(s\) body"):
        ingest(store, directory, batch_size=10, rejects_dir=tmp_path / "r", scanner=None)
    # The good files before it (sellers, buyers, ...) were not written either.
    assert nodes(store) == 0


def test_two_files_for_one_entity_is_refused(store: Store, tmp_path: Path) -> None:
    market = small_market()
    write_contract(tmp_path, {"sellers": market["sellers"]}, "csv")
    write_contract(tmp_path, {"sellers": market["sellers"]}, "jsonl")
    with pytest.raises(BadInput, match="two files for 'sellers'"):
        ingest(store, tmp_path, batch_size=10, rejects_dir=tmp_path / "r", scanner=None)


def test_bad_rows_go_to_the_rejects_file_and_the_counts_reconcile(
    store: Store, tmp_path: Path
) -> None:
    market = small_market()
    market["sellers"].append({"seller_id": "", "name": "No key"})
    market["sellers"].append({"seller_id": "s9", "country": "United Kingdom"})
    market["conversations"].append(
        {
            "conversation_id": "c9",
            "buyer_id": "b404",
            "seller_id": "s1",
            "started_at": "2024-02-01T10:00:00Z",
        }
    )
    market["messages"] += [
        {
            "message_id": "m90",
            "conversation_id": "c1",
            "sender": "courier",
            "sent_at": "2024-02-01T10:00:00Z",
            "body": "hi",
        },
        {
            "message_id": "m91",
            "conversation_id": "c1",
            "sender": "buyer",
            "sent_at": "yesterday",
            "body": "hi",
        },
        {
            "message_id": "m92",
            "conversation_id": "c404",
            "sender": "buyer",
            "sent_at": "2024-02-01T10:00:00Z",
            "body": "hi",
        },
        {
            "message_id": "m93",
            "conversation_id": "c9",
            "sender": "buyer",
            "sent_at": "2024-02-01T10:00:00Z",
            "body": "hi",
        },
    ]
    market["orders"].append(
        {
            "order_id": "o9",
            "buyer_id": "b1",
            "seller_id": "s1",
            "amount": "lots",
            "currency": "EUR",
            "placed_at": "2024-02-02T09:00:00Z",
            "status": "completed",
        }
    )
    market["contacts"].append(
        {"account_type": "courier", "account_id": "s1", "kind": "phone", "value": "1"}
    )
    market["contacts"].append(
        {"account_type": "seller", "account_id": "s1", "kind": "fax", "value": "1"}
    )
    directory = write_contract(tmp_path / "in", market)
    summary = ingest(store, directory, batch_size=3, rejects_dir=tmp_path / "r", scanner=None)

    by_file = {f.entity: f for f in summary.files}
    for f in summary.files:
        assert f.read == f.loaded + f.rejected, f
    assert by_file["sellers"].rejected == 2
    assert by_file["conversations"].rejected == 1
    assert by_file["messages"].rejected == 4
    assert by_file["orders"].rejected == 1
    assert by_file["contacts"].rejected == 2

    assert summary.rejects_path is not None
    rejects = [json.loads(line) for line in Path(summary.rejects_path).read_text().splitlines()]
    assert len(rejects) == summary.rejected == 10
    reasons = {(r["file"], r["line"]): r["reason"] for r in rejects}
    # Line numbers are the file's physical lines (the header is line 1).
    assert reasons[("sellers.csv", 5)] == "missing seller_id"
    assert "not an ISO 3166-1 alpha-2" in reasons[("sellers.csv", 6)]
    assert reasons[("conversations.csv", 5)] == "unknown buyer_id 'b404'"
    assert "unknown sender role 'courier'" in reasons[("messages.csv", 7)]
    assert "'yesterday' is not an ISO 8601 timestamp" in reasons[("messages.csv", 8)]
    assert reasons[("messages.csv", 9)] == "unknown conversation_id 'c404'"
    # c9 was rejected, so its message refers to nothing either: the rejection cascades visibly.
    assert reasons[("messages.csv", 10)] == "unknown conversation_id 'c9'"
    assert "'lots' is not a number" in reasons[("orders.csv", 4)]
    # The row itself is kept, so it can be fixed and loaded again.
    courier = next(r for r in rejects if "courier" in r["reason"])
    assert courier["row"]["message_id"] == "m90"
    assert store.count("MATCH (m:Message) RETURN count(m) AS n") == 5


def test_a_malformed_jsonl_line_is_rejected_with_its_line(store: Store, tmp_path: Path) -> None:
    market = small_market()
    directory = write_contract(
        tmp_path / "in", {k: market[k] for k in ("sellers", "buyers", "conversations")}
    )
    lines = [json.dumps(m) for m in market["messages"][:2]]
    lines.insert(1, '{"message_id": "m-broken", "body": "unterminated')
    lines.insert(2, "[1, 2, 3]")
    (directory / "messages.jsonl").write_text("\n".join(lines) + "\n")
    summary = ingest(store, directory, batch_size=10, rejects_dir=tmp_path / "r", scanner=None)
    messages = next(f for f in summary.files if f.entity == "messages")
    assert (messages.read, messages.loaded, messages.rejected) == (4, 2, 2)
    assert summary.rejects_path is not None
    rejects = [json.loads(line) for line in Path(summary.rejects_path).read_text().splitlines()]
    assert [(r["line"], r["reason"].split(" (")[0]) for r in rejects] == [
        (2, "not valid JSON"),
        (3, "not a JSON object"),
    ]


def test_cli_reports_a_missing_column_without_a_traceback(
    tmp_path: Path, settings: object, store: Store
) -> None:
    from sidedeal.cli import app

    write_contract(tmp_path, {"sellers": [{"name": "no id column"}]})
    result = CliRunner().invoke(app, ["ingest", str(tmp_path)], env=_env(settings))
    assert result.exit_code == 1
    assert "sellers.csv: missing required column(s) seller_id" in result.output
    assert "Traceback" not in result.output


def test_cli_json_summary(tmp_path: Path, settings: object, store: Store) -> None:
    from sidedeal.cli import app

    directory = write_contract(tmp_path / "in", small_market())
    result = CliRunner().invoke(app, ["ingest", str(directory), "--json"], env=_env(settings))
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["read"] == summary["loaded"] == 22
    assert summary["rejected"] == 0
    assert {f["entity"] for f in summary["files"]} == {
        "sellers",
        "buyers",
        "listings",
        "conversations",
        "messages",
        "orders",
        "contacts",
    }


def _env(settings: object) -> dict[str, str]:
    from sidedeal.settings import Settings, get_settings

    assert isinstance(settings, Settings)
    get_settings.cache_clear()
    return {
        "NEO4J_URI": settings.neo4j_uri,
        "NEO4J_PASSWORD": settings.neo4j_password.get_secret_value(),
        "SIDEDEAL_DATA_DIR": str(settings.data_dir),
    }
