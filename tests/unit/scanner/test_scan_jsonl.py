"""``sidedeal scan``: one output line per input line, in order; a bad line is an error line."""

from __future__ import annotations

import io
import json

from typer.testing import CliRunner

from sidedeal.cli import app
from sidedeal.scanner.jsonl import scan_stream


def run(lines: list[str]) -> list[dict[str, object]]:
    out = io.StringIO()
    scan_stream(io.StringIO("\n".join(lines) + "\n"), out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_findings_in_order_with_ids() -> None:
    rows = run(
        [
            json.dumps({"id": "a", "text": "ring 07911 123456", "country": "GB"}),
            json.dumps({"id": 2, "text": "Lovely bureau, thanks", "country": "GB"}),
            json.dumps({"id": "c", "text": "écrivez-moi : claire.dubois arobase orange point fr"}),
        ]
    )
    assert [row["id"] for row in rows] == ["a", 2, "c"]
    assert rows[0]["findings"] == [
        {"kind": "phone", "value": "+447911123456", "start": 5, "end": 17, "confidence": 0.95,
         "rule": "phone.digits"}
    ]  # fmt: skip
    assert rows[1]["findings"] == []
    findings = rows[2]["findings"]
    assert isinstance(findings, list)
    assert [f["value"] for f in findings] == ["claire.dubois@orange.fr"]


def test_bad_lines_give_error_lines_and_counts_match() -> None:
    lines = [
        "{not json",
        "",
        json.dumps(["a", "list"]),
        json.dumps({"id": "x"}),
        json.dumps({"id": "y", "text": 42}),
        json.dumps({"id": "z", "text": "hi", "country": 44}),
        json.dumps({"id": {"nested": 1}, "text": "hi"}),
        json.dumps({"id": "ok", "text": "fine"}),
        "[" * 100_000,
    ]
    rows = run(lines)
    assert len(rows) == len(lines)
    assert [row.get("line") for row in rows[:7]] == [1, 2, 3, 4, 5, 6, None]
    assert "not valid JSON" in str(rows[0]["error"])
    assert rows[1] == {"id": None, "line": 2, "error": "blank line"}
    assert "JSON object" in str(rows[2]["error"])
    assert rows[3] == {"id": "x", "line": 4, "error": "'text' is missing"}
    assert rows[4]["id"] == "y" and "not a string" in str(rows[4]["error"])
    assert rows[5]["id"] == "z" and "country" in str(rows[5]["error"])
    assert rows[6] == {"id": None, "findings": []}  # an id that is not a scalar is dropped
    assert rows[7] == {"id": "ok", "findings": []}
    assert rows[8]["line"] == 9 and "error" in rows[8]


def test_cli_command() -> None:
    stdin = json.dumps({"id": "m1", "text": "IBAN GB82 WEST 1234 5698 7654 32", "country": "GB"})
    result = CliRunner().invoke(app, ["scan"], input=stdin + "\nnot json\n")
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [f["value"] for f in out[0]["findings"]] == [
        "wire_direct",
        "iban:GB82WEST12345698765432",
    ]
    assert out[1]["line"] == 2 and "error" in out[1]
