"""Allow-listing and snoozing a buyer-seller pair, with a reason and an expiry.

``allow``: the pair is known to be legitimate (a seller's family member, a dealer who buys for a
shop); ``snooze``: look again later. Either hides the pair's flag from the queue until
``expires_at``. The entry is keyed by the pair flag's id (``pair:b1:s1``), one per pair: setting
it again replaces it. The analysis keeps scoring the pair; the flag's status is untouched.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal, LiteralString, Self

from pydantic import BaseModel

from sidedeal.casework.audit import AUDIT_CALL, audit_params
from sidedeal.casework.common import Actor, natives, now
from sidedeal.casework.masking import mask_free_text
from sidedeal.errors import BadInput, NotFound
from sidedeal.graph.store import Store
from sidedeal.ids import pair_flag_id

Mode = Literal["allow", "snooze"]

SET_ENTRY: LiteralString = (
    """
MATCH (b:Buyer {buyer_id: $buyer_id})
MATCH (s:Seller {seller_id: $seller_id})
MERGE (w:AllowList {flag_id: $flag_id})
SET w.buyer_id = $buyer_id, w.seller_id = $seller_id, w.mode = $mode, w.reason = $reason,
    w.expires_at = datetime($expires_at), w.created_at = datetime(), w.created_by = $actor
WITH w
"""
    + AUDIT_CALL
    + "RETURN w {.*} AS entry"
)

LIFT: LiteralString = (
    """
MATCH (w:AllowList {flag_id: $flag_id})
DELETE w
WITH count(*) AS n WHERE n > 0
"""
    + AUDIT_CALL
    + "RETURN n"
)

ENTRIES: LiteralString = """
MATCH (w:AllowList)
WHERE $include_expired OR w.expires_at > datetime()
WITH w ORDER BY w.expires_at, w.flag_id
WITH collect(w) AS entries
RETURN size(entries) AS count, [w IN entries[$offset..$offset + $limit] | w {.*}] AS data
"""


class AllowListEntry(BaseModel):
    flag_id: str
    buyer_id: str
    seller_id: str
    mode: Mode
    reason: str
    expires_at: datetime
    created_at: datetime
    created_by: str

    def masked(self) -> Self:
        """People's free text (the reason) with its contact values masked."""
        return self.model_copy(update={"reason": mask_free_text(self.reason)})


def set_entry(
    store: Store,
    buyer_id: str,
    seller_id: str,
    *,
    mode: Mode,
    reason: str,
    expires_at: datetime,
    actor: Actor,
) -> AllowListEntry:
    """Allow-list or snooze the pair until ``expires_at`` (which must be in the future)."""
    if expires_at <= now():
        raise BadInput("expires_at must be in the future (an ISO 8601 time with its zone)")
    flag_id = pair_flag_id(buyer_id, seller_id)
    rows = store.write(
        SET_ENTRY,
        {
            "buyer_id": buyer_id,
            "seller_id": seller_id,
            "flag_id": flag_id,
            "mode": mode,
            "reason": reason,
            "expires_at": expires_at.isoformat(),
            "actor": actor.key_id,
            "audit": audit_params(
                actor,
                f"pair.{mode}",
                [flag_id, buyer_id, seller_id],
                {"reason": reason, "expires_at": expires_at.isoformat()},
            ),
        },
    )
    if not rows:
        raise NotFound(f"no buyer {buyer_id!r} or no seller {seller_id!r}")
    return AllowListEntry(**natives(rows[0]["entry"]))


def lift(store: Store, buyer_id: str, seller_id: str, actor: Actor) -> None:
    """Remove the pair's allow-list or snooze entry; its flag shows in the queue again."""
    flag_id = pair_flag_id(buyer_id, seller_id)
    rows = store.write(
        LIFT, {"flag_id": flag_id, "audit": audit_params(actor, "pair.lift", [flag_id])}
    )
    if not rows:
        raise NotFound(f"pair {buyer_id}/{seller_id} is neither allow-listed nor snoozed")


def entries(
    store: Store, *, include_expired: bool = False, limit: int = 50, offset: int = 0
) -> tuple[list[AllowListEntry], int]:
    rows = store.read(
        ENTRIES, {"include_expired": include_expired, "limit": limit, "offset": offset}
    )
    row = rows[0]
    return [AllowListEntry(**natives(r)) for r in row["data"]], int(row["count"])
