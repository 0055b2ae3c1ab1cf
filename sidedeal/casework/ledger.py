"""A seller's ledger: the money at stake on its flags, and what was billed and recovered.

Per currency (nothing is converted): ``at_risk``, the commission on the estimated off-platform
sales of the seller's open or unsure pair flags (``analysis/value.py``, at the configured
commission rate); ``confirmed``, the same on its confirmed pair flags; ``billed``, the commission
due on its recovery orders not waived; ``recovered``, on those paid.
"""

from __future__ import annotations

from collections import defaultdict
from typing import LiteralString

from pydantic import BaseModel

from sidedeal.errors import NotFound
from sidedeal.graph.store import Store

LEDGER: LiteralString = """
MATCH (s:Seller {seller_id: $seller_id})
CALL (s) {
  OPTIONAL MATCH (f:Flag {kind: 'pair'})-[:CONCERNS]->(s)
  WHERE f.status IN ['open', 'unsure', 'confirmed'] AND f.estimated_sales > 0
  RETURN collect([f.status, f.currency, f.estimated_sales]) AS flags
}
CALL (s) {
  OPTIONAL MATCH (r:RecoveryOrder {seller_id: s.seller_id}) WHERE r.status <> 'waived'
  RETURN collect([r.status, r.currency, r.commission_due]) AS orders
}
RETURN flags, orders
"""


class LedgerLine(BaseModel):
    currency: str | None
    at_risk: float = 0.0
    confirmed: float = 0.0
    billed: float = 0.0
    recovered: float = 0.0


class Ledger(BaseModel):
    seller_id: str
    commission_rate: float
    lines: list[LedgerLine]


def ledger(store: Store, seller_id: str, *, commission_rate: float) -> Ledger:
    """The seller's ledger (see the module docstring); NotFound for an unknown seller."""
    rows = store.read(LEDGER, {"seller_id": seller_id})
    if not rows:
        raise NotFound(f"no seller {seller_id!r}")
    lines: dict[str | None, LedgerLine] = defaultdict(lambda: LedgerLine(currency=None))
    for status, currency, sales in rows[0]["flags"]:
        line = lines[currency]
        value = float(sales) * commission_rate
        if status == "confirmed":
            line.confirmed += value
        else:
            line.at_risk += value
    for status, currency, due in rows[0]["orders"]:
        line = lines[currency]
        line.billed += float(due or 0)
        if status == "paid":
            line.recovered += float(due or 0)
    out = []
    for currency in sorted(lines, key=lambda c: c or ""):
        line = lines[currency]
        out.append(
            LedgerLine(
                currency=currency,
                at_risk=round(line.at_risk, 2),
                confirmed=round(line.confirmed, 2),
                billed=round(line.billed, 2),
                recovered=round(line.recovered, 2),
            )
        )
    return Ledger(seller_id=seller_id, commission_rate=commission_rate, lines=out)
