"""Issue 11, items 6 and 7: bytes that are not text, ids with control characters and keys repeated
within one file are rejected with a reason a person can act on; never a crash, never a phantom."""

from __future__ import annotations

import json
from pathlib import Path

from sidedeal.graph.store import Store
from tests.helpers import write_contract
from tests.integration.market import small_market
from tests.reliability.conftest import Cli

HEADER = b"seller_id,name,country\r\n"


def _rejects(summary: dict[str, object]) -> list[dict[str, object]]:
    path = summary["rejects_path"]
    assert isinstance(path, str)
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines()]


def _sellers(store: Store) -> list[str]:
    rows = store.read("MATCH (s:Seller) RETURN s.seller_id AS id ORDER BY id")
    return [r["id"] for r in rows]


def _nodes(store: Store) -> int:
    return store.count("MATCH (n) WHERE NOT n:Migration RETURN count(n) AS n")


def test_a_byte_that_is_not_utf8_in_the_header_stops_before_writing(
    store: Store, cli: Cli, tmp_path: Path
) -> None:
    (tmp_path / "sellers.csv").write_bytes(b"seller_id,n\xe9me,country\r\ns1,A,FR\r\n")
    result = cli("ingest", str(tmp_path))
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert "sellers.csv" in lines[0] and "utf-8" in lines[0] and "--encoding" in lines[0]
    assert _nodes(store) == 0


def test_a_byte_that_is_not_utf8_later_rejects_that_row_with_line_and_offset(
    store: Store, cli: Cli, tmp_path: Path
) -> None:
    rows = [f"s{n:06d},Seller {n},FR\r\n".encode() for n in range(1, 300)]
    rows.append(b"s000299\xff,Seller 299 again,FR\r\n")
    (tmp_path / "sellers.csv").write_bytes(HEADER + b"".join(rows))
    result = cli("ingest", str(tmp_path), "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["read"], summary["loaded"], summary["rejected"]) == (300, 299, 1)
    # No phantom seller 's000299\ufffd' next to the real s000299.
    assert not [s for s in _sellers(store) if not s.isascii()]
    assert len(_sellers(store)) == 299
    [reject] = _rejects(summary)
    offset = len(HEADER) + sum(len(r) for r in rows[:-1]) + len(b"s000299")
    assert reject["line"] == 301
    assert "not valid utf-8" in str(reject["reason"])
    assert f"byte offset {offset}" in str(reject["reason"])


def test_an_id_with_a_control_character_is_rejected(store: Store, cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "sellers.csv").write_bytes(
        HEADER + b"s000003,Three,FR\r\ns000003\x00,Three again,FR\r\ns4\x1b[2J,Four,GB\r\n"
    )
    result = cli("ingest", str(tmp_path), "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert _sellers(store) == ["s000003"]
    reasons = {r["line"]: str(r["reason"]) for r in _rejects(summary)}
    assert set(reasons) == {3, 4}
    assert (
        "seller_id" in reasons[3] and "control character" in reasons[3] and "U+0000" in reasons[3]
    )
    assert "U+001B" in reasons[4]


def test_the_encoding_option_reads_a_latin1_export(store: Store, cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "sellers.csv").write_bytes(HEADER + "s1,Café Müller,DE\r\n".encode("latin-1"))
    result = cli("ingest", str(tmp_path), "--json", "--encoding", "latin-1")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["rejected"] == 0
    names = store.read("MATCH (s:Seller) RETURN s.name AS name")
    assert names == [{"name": "Café Müller"}]


def test_a_bad_byte_in_a_jsonl_line_rejects_that_line(
    store: Store, cli: Cli, tmp_path: Path
) -> None:
    good = json.dumps({"seller_id": "s1", "name": "One"}).encode() + b"\n"
    bad = b'{"seller_id": "s2\xc3", "name": "Two"}\n'
    (tmp_path / "sellers.jsonl").write_bytes(good + bad)
    result = cli("ingest", str(tmp_path), "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert _sellers(store) == ["s1"]
    [reject] = _rejects(summary)
    assert reject["line"] == 2
    offset = len(good) + len(b'{"seller_id": "s2')
    assert f"byte offset {offset}" in str(reject["reason"])


def test_a_key_repeated_in_one_file_goes_to_rejects_naming_the_line_it_repeats(
    store: Store, cli: Cli, tmp_path: Path
) -> None:
    market = small_market()
    first = market["orders"][0]
    market["orders"].append({**first, "amount": "999999"})
    directory = write_contract(tmp_path / "in", market)
    result = cli("ingest", str(directory), "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    orders = next(f for f in summary["files"] if f["entity"] == "orders")
    assert orders["read"] == orders["loaded"] + orders["rejected"]
    assert orders["rejected"] == 1
    [reject] = _rejects(summary)
    last_line = len(market["orders"]) + 1
    assert reject["file"] == "orders.csv" and reject["line"] == last_line
    assert "duplicate order_id" in str(reject["reason"])
    assert "line 2" in str(reject["reason"])
    # The first row stands; the repeat did not overwrite it.
    amount = store.read(
        "MATCH (o:Order {order_id: $id}) RETURN o.amount AS amount", {"id": first["order_id"]}
    )
    assert len(amount) == 1 and amount[0]["amount"] != 999999.0


def test_an_unreadable_file_stops_before_writing_in_one_line(
    store: Store, cli: Cli, tmp_path: Path
) -> None:
    write_contract(tmp_path, {"sellers": small_market()["sellers"]})
    (tmp_path / "buyers.parquet").write_bytes(b"PAR1 this is not a parquet file")
    result = cli("ingest", str(tmp_path))
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "buyers.parquet" in lines[0], result.output
    assert _nodes(store) == 0  # the good sellers file was not written either
