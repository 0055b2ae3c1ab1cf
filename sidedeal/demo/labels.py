"""Ground truth for the generated marketplace, spooled to disk and assembled as ``labels.json``.

Labels grow with the data (every planted message, every lookalike decoy), so entries are
appended to one JSON-lines spool file per section while the generator runs and copied into
``labels.json`` at the end, section by section. Memory stays flat; the only in-memory state is
per-section counts. The file is written with one list entry per line, so that it diffs and greps
well and ``json.load`` still reads it whole.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import IO, Any

# Top-level list sections, in the order they appear in labels.json.
TOP_SECTIONS = (
    "off_platform_pairs",
    "fraud_sellers",
    "multi_account_sellers",
    "shared_payout_groups",
    "buyers_with_seller_identifier",
)
# Lists nested under "decoys".
DECOY_SECTIONS = (
    "loyal_pairs",
    "tire_kicker_pairs",
    "declined_pairs",
    "contact_then_order_pairs",
    "lookalike_message_ids",
    "checkout_message_ids",
)
COURIER_MESSAGES = "courier_message_ids"
FINDINGS = "message_findings"
SECTIONS = (*TOP_SECTIONS, *DECOY_SECTIONS, COURIER_MESSAGES, FINDINGS)


class LabelSink:
    """Collects labels section by section, on disk, and writes ``labels.json`` at the end."""

    def __init__(self, outdir: Path) -> None:
        self.outdir = outdir
        self.spool = outdir / ".labels.spool"
        shutil.rmtree(self.spool, ignore_errors=True)
        self.spool.mkdir(parents=True)
        self.counts: dict[str, int] = dict.fromkeys(SECTIONS, 0)
        self._files: dict[str, IO[str]] = {}

    def add(self, section: str, entry: Any) -> None:
        """Append one entry (any JSON value) to ``section``."""
        fh = self._files.get(section)
        if fh is None:
            fh = (self.spool / f"{section}.jsonl").open("w", encoding="utf-8")
            self._files[section] = fh
        fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self.counts[section] += 1

    def finish(
        self, header: dict[str, Any], courier: dict[str, Any], extra: dict[str, Any]
    ) -> Path:
        """Write ``labels.json`` from the header, the spooled sections and the decoy hubs."""
        for fh in self._files.values():
            fh.close()
        path = self.outdir / "labels.json"
        with path.open("w", encoding="utf-8") as out:
            out.write("{\n")
            for key, value in header.items():
                out.write(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)},\n")
            for section in TOP_SECTIONS:
                self._copy(out, section, indent="  ")
                out.write(",\n")
            out.write('  "decoys": {\n')
            for section in DECOY_SECTIONS:
                self._copy(out, section, indent="    ")
                out.write(",\n")
            out.write('    "courier": {\n')
            for key, value in courier.items():
                out.write(f"      {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)},\n")
            self._copy(out, COURIER_MESSAGES, indent="      ", name="message_ids")
            out.write("\n    }")
            for key, value in extra.items():
                out.write(f",\n    {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}")
            out.write("\n  },\n")
            self._copy(out, FINDINGS, indent="  ")
            out.write("\n}\n")
        shutil.rmtree(self.spool, ignore_errors=True)
        return path

    def _copy(self, out: IO[str], section: str, indent: str, name: str | None = None) -> None:
        out.write(f"{indent}{json.dumps(name or section)}: [")
        spool = self.spool / f"{section}.jsonl"
        first = True
        if spool.exists():
            with spool.open(encoding="utf-8") as fh:
                for line in fh:
                    out.write(("\n" if first else ",\n") + indent + "  " + line.rstrip("\n"))
                    first = False
        out.write("]" if first else f"\n{indent}]")
