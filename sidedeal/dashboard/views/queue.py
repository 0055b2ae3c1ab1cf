"""Queue: the flags to work, filtered and sorted by the API, with claiming and bulk assignment.

"Next unassigned" claims the strongest open flag nobody has and opens it: a morning's work is a
run of that button, a decision, and back.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from sidedeal.dashboard import ui
from sidedeal.dashboard.charts import age_days

STATUSES = ["open", "unsure", "confirmed", "dismissed", "cleared"]
SORTS = {"score, highest first": "score_desc", "score, lowest first": "score_asc",
         "newest": "newest", "oldest": "oldest",
         # A key that keeps ordering flags whose scores all read 1.00 (the sum of -ln(1 - w)).
         "strongest evidence first": "rank_desc",
         "money at risk, highest first": "value_desc",
         "latest evidence first": "evidence_newest"}  # fmt: skip
WHO = ["anyone", "unassigned", "me", "someone else"]

api = ui.client()
st.title("Flag queue")
ui.masked_notice()
writer = ui.can_write()


def next_unassigned() -> None:
    found = ui.call(
        "Finding the next unassigned flag",
        api.flags,
        status="open",
        unassigned=True,
        sort="score_desc",
        limit=1,
    )
    if found is None:
        return
    if not found["data"]:
        st.session_state["sd_queue_note"] = "No open flag is unassigned: the queue is clear."
        return
    flag_id = found["data"][0]["flag_id"]
    if ui.call("Claiming it", api.assign, [flag_id], ui.me()) is not None:
        st.session_state["sd_open_flag"] = flag_id


top = st.columns([2, 5])
top[0].button(
    "Next unassigned",
    key="sd_q_next",
    icon=":material/skip_next:",
    on_click=next_unassigned,
    type="primary",
    disabled=not writer,
    help="Claim the highest-scoring open flag nobody has, and open it.",
)
if "sd_open_flag" in st.session_state:
    ui.open_flag(st.session_state.pop("sd_open_flag"))
if "sd_queue_note" in st.session_state:
    st.info(st.session_state.pop("sd_queue_note"))

with st.expander("Filters and sorting", expanded=True):
    row = st.columns(4)
    statuses = row[0].multiselect("Status", STATUSES, default=["open"], key="sd_q_status")
    kind = row[1].selectbox("Kind", ["any", "pair", "seller", "cluster"], key="sd_q_kind")
    low, high = row[2].slider("Score", 0.0, 1.0, (0.0, 1.0), step=0.05, key="sd_q_score")
    sort = row[3].selectbox("Sort by", list(SORTS), key="sd_q_sort")
    row = st.columns(4)
    who = row[0].selectbox("Assignee", WHO, key="sd_q_who")
    named = row[1].text_input("Assignee name", key="sd_q_named", disabled=who != "someone else")
    size = row[2].selectbox("Rows per page", [25, 50, 100, 200], index=1, key="sd_q_size")
    page = row[3].number_input("Page", min_value=1, value=1, step=1, key="sd_q_page")

filters: dict[str, Any] = {
    "status": statuses or None,
    "kind": None if kind == "any" else kind,
    "min_score": low if low > 0 else None,
    "max_score": high if high < 1 else None,
    "sort": SORTS[sort],
    "limit": size,
    "offset": (int(page) - 1) * size,
}
if who == "unassigned":
    filters["unassigned"] = True
elif who == "me":
    filters["assignee"] = ui.me()
elif who == "someone else" and named.strip():
    filters["assignee"] = named.strip()

result = ui.need(ui.call("Loading the queue", api.flags, **filters))
flags: list[dict[str, Any]] = result["data"]
shown_from = filters["offset"] + 1 if flags else 0
st.caption(f"{result['count']} flags match; showing {shown_from}-{filters['offset'] + len(flags)}.")
if not flags:
    ui.stop("No flag matches these filters.")

table = pd.DataFrame(
    [
        {
            "flag": f"flag?flag_id={f['flag_id']}",
            "score": f["score"],
            "kind": f["kind"],
            "status": f["status"],
            "age (days)": age_days(f.get("created_at")),
            # How old the conduct is, not the flag; and the commission at stake.
            "evidence age (days)": age_days(f.get("last_evidence_at")),
            "at risk": f.get("value_at_risk"),
            "currency": f.get("currency") or "",
            "assignee": f.get("assignee") or "",
            "top reason": f.get("top_reason") or "",
        }
        for f in flags
    ]
)
st.dataframe(
    table,
    hide_index=True,
    key="sd_q_table",
    column_config={
        "flag": st.column_config.LinkColumn("flag", display_text=r"flag\?flag_id=(.*)"),
        "score": st.column_config.ProgressColumn(
            "score", min_value=0.0, max_value=1.0, format="%.2f"
        ),
        "top reason": st.column_config.TextColumn("top reason", width="large"),
        "at risk": st.column_config.NumberColumn("at risk", format="%.0f"),
    },
)

labels = {
    f["flag_id"]: f"{f['flag_id']} · {f['score']:.2f} · {f.get('top_reason') or ''}"[:110]
    for f in flags
}
left, right = st.columns(2)
with left:
    st.subheader("Open a flag")
    chosen = st.selectbox("Flag", list(labels), format_func=labels.__getitem__, key="sd_q_open")
    if st.button("Open flag", key="sd_q_open_btn") and chosen:
        ui.open_flag(chosen)
with right:
    st.subheader("Claim or assign")
    picked = st.multiselect("Flags", list(labels), key="sd_q_pick", disabled=not writer)
    assignee = st.text_input("Assign to", value=ui.me(), key="sd_q_assignee", disabled=not writer)
    buttons = st.columns(3)
    claim = buttons[0].button("Claim (assign to me)", key="sd_q_claim", disabled=not picked)
    assign = buttons[1].button("Assign", key="sd_q_assign", disabled=not picked)
    unassign = buttons[2].button("Unassign", key="sd_q_unassign", disabled=not picked)
    target = ui.me() if claim else (assignee.strip() or None) if assign else None
    if claim or assign or unassign:
        done = ui.call("Assigning", api.assign, picked, target)
        if done is not None:
            note = f"{len(done['assigned'])} flags assigned to {done['assignee'] or 'nobody'}."
            if done["missing"]:
                note += f" Not found (gone since the page loaded?): {', '.join(done['missing'])}"
            st.session_state["sd_queue_note"] = note
            st.rerun()
