"""Issue 11, item 3: a huge or number-stuffed message body never stalls ingest and is never lost.

The body stored and scanned is capped (``SIDEDEAL_MAX_BODY_CHARS``): a longer one is stored
truncated with a marker and kept whole in the run's bodies sidecar; findings kept per message are
capped (``SIDEDEAL_SCAN_MAX_FINDINGS``) and the cap is noted on the message.
"""

from __future__ import annotations

import json
from pathlib import Path

from sidedeal.graph.store import Store
from tests.helpers import write_contract
from tests.integration.market import small_market
from tests.reliability.conftest import Cli

PROSE = "The walnut commode has its original brass handles and a marble top. "


def test_a_multi_megabyte_body_is_stored_truncated_and_kept_whole_in_a_sidecar(
    store: Store, cli: Cli, tmp_path: Path
) -> None:
    market = small_market()
    # ~3 MB: contact details all the way through (the scanner's worst case), then prose.
    huge = ("call 07911 234567 or mail a.b@example.org " * 50_000 + PROSE * 10_000).strip()
    market["messages"].append(
        {
            "message_id": "m-huge",
            "conversation_id": "c2",
            "sender": "seller",
            "sent_at": "2024-02-03T13:00:00Z",
            "body": huge,
        }
    )
    directory = write_contract(tmp_path / "in", market)
    result = cli("ingest", str(directory), "--json", env={"SIDEDEAL_MAX_BODY_CHARS": "100000"})
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["rejected"] == 0

    run = store.read("MATCH (r:IngestRun) RETURN r.status AS status")
    assert run == [{"status": "completed"}]
    [message] = store.read(
        "MATCH (m:Message {message_id: 'm-huge'}) RETURN m.body AS body, "
        "m.body_truncated AS truncated, m.body_chars AS chars, "
        "m.findings_capped AS capped, m.findings_total AS total, m.finding_count AS kept"
    )
    assert message["truncated"] is True
    assert message["chars"] == len(huge)
    assert message["body"].startswith(huge[:100_000])
    assert len(message["body"]) < 100_000 + 300
    assert "truncated" in message["body"][100_000:]
    # Findings: capped at the default 200, the total of the stored (truncated) body noted.
    assert message["capped"] is True
    assert message["kept"] == 200
    assert message["total"] > 200
    mentions = store.count(
        "MATCH (:Message {message_id: 'm-huge'})-[r:MENTIONS]->() RETURN count(r) AS n"
    )
    assert 0 < mentions <= 200

    # The whole body is in the sidecar the summary names, with the file and line it came from.
    sidecar = summary["bodies_path"]
    assert sidecar and Path(sidecar).is_file()
    [kept] = [json.loads(line) for line in Path(sidecar).read_text(encoding="utf-8").splitlines()]
    assert kept["message_id"] == "m-huge" and kept["file"] == "messages.csv"
    assert kept["body"] == huge

    # A short message is untouched and says it was not capped.
    [short] = store.read(
        "MATCH (m:Message {message_id: 'm3'}) RETURN m.body_truncated AS truncated, "
        "m.findings_capped AS capped, m.findings_total AS total, m.finding_count AS kept"
    )
    assert short["truncated"] is None and short["capped"] is False
    assert short["total"] == short["kept"] > 0
