"""Cases: every case, filtered by status, notice step and assignee, each linking to its page.

The filters and the page live in the URL (``/cases?status=open&step=none&assignee=ana``), so a
team lead can send "the open cases with no notice yet" as a link.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import streamlit as st

from sidedeal.dashboard import ui
from sidedeal.dashboard.casework import step_name

JSON = dict[str, Any]
STATUSES = ["any", "open", "notified", "closed", "void"]
SIZES = [25, 50, 100, 200]

api = ui.client()
st.title("Cases")
ui.masked_notice()
steps = ["any", "none", *ui.settings().enforcement_ladder]

row = st.columns(5)
status = row[0].selectbox("Status", STATUSES, key="status", bind="query-params")
step = row[1].selectbox(
    "Notice sent",
    steps,
    key="step",
    format_func=lambda s: {"any": "any", "none": "none yet"}.get(s) or step_name(s),
    bind="query-params",
)
assignee = row[2].text_input(
    "Assignee", key="assignee", placeholder="a name, or empty for anyone", bind="query-params"
)
size = row[3].selectbox("Rows per page", SIZES, index=1, key="size", bind="query-params")
page = int(
    row[4].number_input("Page", min_value=1, value=1, step=1, key="page", bind="query-params")
)

filters: dict[str, Any] = {
    "status": None if status == "any" else status,
    "step": None if step == "any" else step,
    "assignee": assignee.strip() or None,
    "limit": size,
    "offset": (page - 1) * size,
}
result = ui.need(ui.call("Loading the cases", api.cases, **filters))
found: list[JSON] = result["data"]
pages = max(1, math.ceil(result["count"] / size))
st.caption(
    f"{ui.plural(result['count'], 'case matches', 'cases match')}; showing {filters['offset'] + 1}-"
    f"{filters['offset'] + len(found)} (page {page} of {pages})."
    if found
    else f"{ui.plural(result['count'], 'case matches', 'cases match')}; page {page} of {pages} is empty."
)
if not found:
    ui.stop("No case matches these filters. Cases open when an investigator confirms a flag.")


def table_row(case: JSON) -> JSON:
    sent = case.get("notice_steps") or []
    return {
        "case": f"case?case_id={case['case_id']}",
        "status": case["status"],
        "seller": f"{case.get('seller_name') or ''} ({case['seller_id']})",
        "opened": str(case["opened_at"])[:10],
        "strike": case.get("strike_number"),
        "notice sent": ", ".join(step_name(s) for s in sent) or "none yet",
        "flags": len(case.get("flag_ids") or []),
        "assignees": ", ".join(case.get("assignees") or []),
        "network": f"network?seller={case['seller_id']}",
    }


st.dataframe(
    pd.DataFrame([table_row(c) for c in found]),
    hide_index=True,
    height=min(len(found), 100) * 35 + 38,
    column_config={
        "case": st.column_config.LinkColumn("case", display_text=r"case\?case_id=(.*)"),
        "network": st.column_config.LinkColumn("network", display_text="open"),
        "strike": st.column_config.NumberColumn("strike", width="small"),
        "flags": st.column_config.NumberColumn("flags", width="small"),
    },
)
