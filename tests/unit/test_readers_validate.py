"""The contract's row checks and the readers, without a database."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from sidedeal.errors import BadInput
from sidedeal.ingest import validate as v
from sidedeal.ingest.readers import check_columns, discover, iter_rows
from tests.helpers import write_contract


def test_timestamps_without_a_zone_are_utc_and_zones_are_converted() -> None:
    assert v.timestamp({"t": "2024-02-01T10:00:00"}, "t", needed=True) == datetime(
        2024, 2, 1, 10, tzinfo=UTC
    )
    assert v.timestamp({"t": "2024-02-01T11:00:00+01:00"}, "t", needed=True) == datetime(
        2024, 2, 1, 10, tzinfo=UTC
    )
    assert v.timestamp({"t": "2024-02-01"}, "t", needed=True) == datetime(2024, 2, 1, tzinfo=UTC)
    with pytest.raises(v.RowError, match="'01/02/2024' is not an ISO 8601 timestamp"):
        v.timestamp({"t": "01/02/2024"}, "t", needed=True)
    with pytest.raises(v.RowError, match="missing t"):
        v.timestamp({"t": None}, "t", needed=True)
    assert v.timestamp({}, "t", needed=False) is None


def test_messages_need_a_known_sender_role() -> None:
    row = {
        "message_id": "m",
        "conversation_id": "c",
        "sender": "Seller",
        "sent_at": "2024-01-01",
        "body": "hi",
    }
    assert v.message(row)["sender"] == "seller"
    with pytest.raises(v.RowError, match="unknown sender role 'admin'"):
        v.message({**row, "sender": "admin"})
    with pytest.raises(v.RowError, match="missing body"):
        v.message({**row, "body": None})


def test_orders_amounts_and_currencies() -> None:
    row = {
        "order_id": "o",
        "buyer_id": "b",
        "seller_id": "s",
        "amount": "14,200.50",
        "currency": "gbp",
        "placed_at": "2024-01-01",
        "status": "Completed",
    }
    order = v.order(row)
    assert order["props"]["amount"] == 14200.5
    assert order["props"]["currency"] == "GBP"
    assert order["props"]["status"] == "completed"
    assert "conversation_id" not in order["props"]  # absent values are not written as nulls
    with pytest.raises(v.RowError, match="must be a non-negative number"):
        v.order({**row, "amount": "-5"})
    with pytest.raises(v.RowError, match="not an ISO 4217 code"):
        v.order({**row, "currency": "pounds"})


def test_contacts_kinds_and_account_types() -> None:
    row = {"account_type": "Buyer", "account_id": "b1", "kind": "PHONE", "value": "+44 7911 123456"}
    assert v.contact(row)["kind"] == "phone"
    with pytest.raises(v.RowError, match="unknown kind 'fax'"):
        v.contact({**row, "kind": "fax"})
    with pytest.raises(v.RowError, match="unknown account_type 'courier'"):
        v.contact({**row, "account_type": "courier"})


def test_discover_orders_files_by_dependency_and_warns_about_strangers(tmp_path: Path) -> None:
    write_contract(
        tmp_path, {"orders": [{"order_id": "o"}], "sellers": [{"seller_id": "s"}]}, "jsonl"
    )
    (tmp_path / "payments.csv").write_text("a\n1\n")
    files, warnings = discover(tmp_path)
    assert [f.spec.name for f in files] == ["sellers", "orders"]
    assert warnings == ["payments.csv: not a contract file name, ignored"]


def test_missing_columns_are_named_and_unknown_ones_warned(tmp_path: Path) -> None:
    write_contract(tmp_path, {"buyers": [{"buyer_id": "b", "shoe_size": "42"}]}, "parquet")
    files, _ = discover(tmp_path)
    assert check_columns(files[0]) == ["buyers.parquet: unknown column(s) ignored: shoe_size"]
    write_contract(
        tmp_path / "x", {"conversations": [{"conversation_id": "c", "buyer_id": "b"}]}, "jsonl"
    )
    files, _ = discover(tmp_path / "x")
    with pytest.raises(
        BadInput, match=r"conversations\.jsonl: missing required column.*seller_id, started_at"
    ):
        check_columns(files[0])


def test_csv_rows_keep_their_physical_line_even_across_multiline_fields(tmp_path: Path) -> None:
    (tmp_path / "messages.csv").write_text(
        "message_id,conversation_id,sender,sent_at,body\n"
        'm1,c1,buyer,2024-01-01,"two\nlines"\n'
        "m2,c1,seller,2024-01-01,short\n"
        "m3,c1,seller\n"
    )
    files, _ = discover(tmp_path)
    rows = list(iter_rows(files[0]))
    assert [(r.line, r.values.get("message_id"), r.error) for r in rows] == [
        (2, "m1", None),
        (4, "m2", None),
        (5, None, "has 3 fields, the header has 5"),
    ]
    assert rows[0].values["body"] == "two\nlines"
