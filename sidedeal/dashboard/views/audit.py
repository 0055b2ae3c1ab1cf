"""Audit: who did what, when, on which objects (investigators and admins).

Filters by actor (a key's name or id), action, object and time, newest first, a page at a time,
changes only unless asked for the reads too; the filters live in the URL
(``/audit?action=flag.confirmed&since=2026-12-01``).
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime, time, timedelta
from typing import Any

import pandas as pd
import streamlit as st

from sidedeal.dashboard import ui

JSON = dict[str, Any]
SIZES = [25, 50, 100, 200]

api = ui.client()
st.title("Audit trail")
found = ui.identity()
if found is not None and found.get("role") not in ("investigator", "admin"):
    ui.stop("The audit trail is for investigators and admins; your key is a viewer's.")

row = st.columns(4)
actor = row[0].text_input(
    "Actor (name or key id)", key="actor", placeholder="ana", bind="query-params"
)
action = row[1].text_input(
    "Action", key="action", placeholder="flag.confirmed, case.comment…", bind="query-params"
)
subject = row[2].text_input(
    "Object", key="object", placeholder="pair:b1:s1, case-…", bind="query-params"
)
changes = row[3].toggle(
    "Changes only",
    value=True,
    key="changes",
    help="Leave out the unmasked reads (pages opened, searches, previews): they outnumber the "
    "changes by far.",
    bind="query-params",
)
row = st.columns(4)
since = row[0].date_input("From", value=None, key="since", bind="query-params")
until = row[1].date_input("To (inclusive)", value=None, key="until", bind="query-params")
size = row[2].selectbox("Rows per page", SIZES, index=1, key="size", bind="query-params")
page = int(
    row[3].number_input("Page", min_value=1, value=1, step=1, key="page", bind="query-params")
)


def day_start(day: date | None, plus: int = 0) -> str | None:
    if not isinstance(day, date):
        return None
    return datetime.combine(day + timedelta(days=plus), time()).isoformat() + "Z"


filters: dict[str, Any] = {
    "actor": actor.strip() or None,
    "action": action.strip() or None,
    "object": subject.strip() or None,
    "reads": not changes,
    "since": day_start(since),
    "until": day_start(until, plus=1),
    "limit": size,
    "offset": (page - 1) * size,
}
result = ui.need(ui.call("Loading the audit trail", api.audit, **filters))
events: list[JSON] = result["data"]
pages = max(1, math.ceil(result["count"] / size))


def turn(to: int) -> None:
    st.session_state["page"] = max(1, min(to, pages))


paging = st.columns([6, 1, 1])
paging[0].caption(
    f"{ui.plural(result['count'], 'event matches', 'events match')}; showing {filters['offset'] + 1}-"
    f"{filters['offset'] + len(events)} (page {page} of {pages}), newest first. Times in UTC."
    if events
    else f"{ui.plural(result['count'], 'event matches', 'events match')}; page {page} of {pages} is empty."
)
paging[1].button("Previous", key="sd_a_prev", on_click=turn, args=(page - 1,), disabled=page <= 1)
paging[2].button("Next", key="sd_a_next", on_click=turn, args=(page + 1,), disabled=page >= pages)
if not events:
    ui.stop("No audit event matches these filters.")


def table_row(event: JSON) -> JSON:
    detail = event.get("detail") or {}
    return {
        "when": str(event["at"])[:19].replace("T", " "),
        "who": event["actor_name"],
        "role": event["role"],
        "action": event["action"],
        "objects": ", ".join(event.get("objects") or []),
        "detail": json.dumps(detail, ensure_ascii=False) if detail else "",
        "key": event["actor"],
        "request": event["request_id"],
    }


st.dataframe(
    pd.DataFrame([table_row(e) for e in events]),
    hide_index=True,
    height=min(len(events), 100) * 35 + 38,
    column_config={
        "when": st.column_config.TextColumn("when (UTC)"),
        "objects": st.column_config.TextColumn("objects", width="medium"),
        "detail": st.column_config.TextColumn("detail", width="large"),
    },
)
