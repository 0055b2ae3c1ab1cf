"""Queue: the flags to work, filtered and sorted by the API, with claiming and bulk assignment.

"Next unassigned" claims the strongest open flag nobody has and opens it: a morning's work is a
run of that button, a decision, and back. The filters and the page live in the URL
(``/?kind=seller&status=open&page=2``), so a filtered queue can be shared and reloaded; bulk
actions say how many flags they touch and wait for a "yes", and can be undone.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import streamlit as st

from sidedeal.dashboard import ui
from sidedeal.dashboard.charts import age_days, parse_time

JSON = dict[str, Any]
STATUSES = ["open", "unsure", "confirmed", "dismissed", "cleared"]
SORTS = {
    "score, highest first": "score_desc",
    "score, lowest first": "score_asc",
    "newest": "newest",
    "oldest": "oldest",
    # A key that keeps ordering flags whose scores all read 1.00 (the sum of -ln(1 - w)).
    "strongest evidence first": "rank_desc",
    "money at risk, highest first": "value_desc",
    "latest evidence first": "evidence_newest",
}
WHO = ["anyone", "unassigned", "me", "someone else"]
SIZES = [5, 10, 25, 50, 100, 200]

api = ui.client()
st.title("Flag queue")
ui.masked_notice()
writer = ui.can_write()
me = ui.me()


def next_unassigned() -> None:
    found = ui.call(
        "Finding the next unassigned flag",
        api.flags,
        status="open",
        unassigned=True,
        sort="score_desc",
        limit=1,
    )
    if found is None or me is None:
        return
    if not found["data"]:
        st.session_state["sd_queue_note"] = "No open flag is unassigned: the queue is clear."
        return
    flag_id = found["data"][0]["flag_id"]
    if ui.call("Claiming it", api.assign, [flag_id], me) is not None:
        st.session_state["sd_open_flag"] = flag_id


top = st.columns([2, 5])
top[0].button(
    "Next unassigned",
    key="sd_q_next",
    icon=":material/skip_next:",
    on_click=next_unassigned,
    type="primary",
    disabled=not writer or me is None,
    help="Claim the highest-scoring open flag nobody has, and open it.",
)
if "sd_open_flag" in st.session_state:
    ui.open_flag(st.session_state.pop("sd_open_flag"))
if "sd_queue_note" in st.session_state:
    st.info(st.session_state.pop("sd_queue_note"))

# Widgets bound to the URL: their keys are the query parameters' names.
with st.expander("Filters and sorting", expanded=True):
    row = st.columns(4)
    statuses = row[0].multiselect(
        "Status", STATUSES, default=["open"], key="status", bind="query-params"
    )
    kind = row[1].selectbox(
        "Kind", ["any", "pair", "seller", "cluster"], key="kind", bind="query-params"
    )
    low, high = row[2].slider(
        "Score", 0.0, 1.0, (0.0, 1.0), step=0.05, key="score", bind="query-params"
    )
    sort = row[3].selectbox("Sort by", list(SORTS), key="sort", bind="query-params")
    row = st.columns(4)
    who = row[0].selectbox("Assignee", WHO, key="who", bind="query-params")
    named = row[1].text_input(
        "Assignee name", key="named", disabled=who != "someone else", bind="query-params"
    )
    size = row[2].selectbox("Rows per page", SIZES, index=3, key="size", bind="query-params")
    page = int(
        row[3].number_input("Page", min_value=1, value=1, step=1, key="page", bind="query-params")
    )

filters: dict[str, Any] = {
    "status": statuses or None,
    "kind": None if kind == "any" else kind,
    "min_score": low if low > 0 else None,
    "max_score": high if high < 1 else None,
    "sort": SORTS[sort],
    "limit": size,
    "offset": (page - 1) * size,
}
if who == "unassigned":
    filters["unassigned"] = True
elif who == "me" and me:
    filters["assignee"] = me
elif who == "someone else" and named.strip():
    filters["assignee"] = named.strip()

result = ui.need(ui.call("Loading the queue", api.flags, **filters))
flags: list[JSON] = result["data"]
pages = max(1, math.ceil(result["count"] / size))


def turn(to: int) -> None:
    st.session_state["page"] = max(1, min(to, pages))


paging = st.columns([6, 1, 1])
paging[0].caption(
    f"{result['count']} flags match; showing {filters['offset'] + 1}-"
    f"{filters['offset'] + len(flags)} (page {page} of {pages})."
    if flags
    else f"{result['count']} flags match; page {page} of {pages} is empty."
)
paging[1].button("Previous", key="sd_q_prev", on_click=turn, args=(page - 1,), disabled=page <= 1)
paging[2].button(
    "Next", key="sd_q_next_page", on_click=turn, args=(page + 1,), disabled=page >= pages
)
if not flags:
    ui.stop("No flag matches these filters.")


def names(flag: JSON, side: str) -> str:
    shown: list[str] = flag.get(f"{side}_names") or []
    total = len(flag.get(f"{side}_ids") or [])
    return ", ".join(shown) + (f" +{total - len(shown)}" if total > len(shown) else "")


def table_row(flag: JSON) -> JSON:
    last = parse_time(flag.get("last_evidence_at"))
    row = {
        "flag": f"flag?flag_id={flag['flag_id']}",
        "score": flag["score"],
        "kind": flag["kind"],
        "status": flag["status"],
        "seller": names(flag, "seller"),
        "buyer": names(flag, "buyer"),
        "last evidence": f"{last:%Y-%m-%d}" if last else "",
        # How old the conduct is, not the flag; and the commission at stake.
        "evidence age (days)": age_days(flag.get("last_evidence_at")),
        "age (days)": age_days(flag.get("created_at")),
        "at risk": flag.get("value_at_risk"),
        "currency": flag.get("currency") or "",
        "assignee": flag.get("assignee") or "",
        "top reason": flag.get("top_reason") or "",
    }
    return row


table = pd.DataFrame([table_row(f) for f in flags])
st.dataframe(
    table,
    hide_index=True,
    key="sd_q_table",
    # Every row of the page in view (a header and 35 px a row), not Streamlit's ten.
    height=min(len(flags), 100) * 35 + 38,
    column_config={
        "flag": st.column_config.LinkColumn("flag", display_text=r"flag\?flag_id=(.*)"),
        "score": st.column_config.ProgressColumn(
            "score", min_value=0.0, max_value=1.0, format="%.2f"
        ),
        "last evidence": st.column_config.TextColumn(
            "last evidence", help="When the latest message with a finding was sent", width="small"
        ),
        "kind": st.column_config.TextColumn("kind", width="small"),
        "status": st.column_config.TextColumn("status", width="small"),
        "age (days)": st.column_config.NumberColumn("age (days)", width="small"),
        "top reason": st.column_config.TextColumn("top reason", width="large"),
        "at risk": st.column_config.NumberColumn("at risk", format="%.0f"),
    },
)

by_id = {f["flag_id"]: f for f in flags}
labels = {
    f["flag_id"]: f"{f['flag_id']} · {f['score']:.2f} · {names(f, 'seller')}"[:110] for f in flags
}
left, right = st.columns(2)
with left:
    st.subheader("Read and open a flag")
    chosen = st.selectbox("Flag", list(labels), format_func=labels.__getitem__, key="sd_q_open")
    if chosen:
        st.caption(f"All reasons of {chosen}:")
        for reason in by_id[chosen].get("reasons") or [by_id[chosen].get("top_reason") or "-"]:
            st.markdown(f"- {reason}")
    if st.button("Open flag", key="sd_q_open_btn") and chosen:
        ui.open_flag(chosen)


def ask(action: str, picked: list[str], target: str | None) -> None:
    """Hold a bulk action until the person says yes to the count it names."""
    previous = {f: by_id[f].get("assignee") if f in by_id else None for f in picked}
    st.session_state["sd_q_pending"] = {
        "action": action,
        "flags": list(picked),
        "target": target,
        "previous": previous,
    }


def plural(n: int) -> str:
    return f"{n} flag" if n == 1 else f"{n} flags"


def carry_out() -> None:
    pending: JSON = st.session_state.pop("sd_q_pending")
    done = ui.call("Assigning", api.assign, pending["flags"], pending["target"])
    if done is None:
        return
    note = f"{plural(len(done['assigned']))} assigned to {done['assignee'] or 'nobody'}."
    if done["missing"]:
        note += f" Not found (gone since the page loaded?): {', '.join(done['missing'])}"
    st.session_state["sd_queue_note"] = note
    st.session_state["sd_q_undo_to"] = {f: pending["previous"].get(f) for f in done["assigned"]}
    st.session_state["sd_q_pick"] = []


def undo() -> None:
    """Give each flag of the last bulk action back to whoever had it before."""
    before: dict[str, str | None] = st.session_state.pop("sd_q_undo_to", {})
    groups: dict[str | None, list[str]] = {}
    for flag_id, assignee in before.items():
        groups.setdefault(assignee, []).append(flag_id)
    for assignee, flag_ids in groups.items():
        if ui.call("Undoing", api.assign, flag_ids, assignee) is None:
            return
    st.session_state["sd_queue_note"] = f"Undone: {plural(len(before))} back as they were."


with right:
    st.subheader("Claim or assign")
    picked = st.multiselect(
        "Flags",
        list(labels),
        key="sd_q_pick",
        disabled=not writer,
        select_all=False,
        placeholder="Pick flags one by one",
    )
    assignee = st.text_input(
        "Assign to", key="sd_q_assignee", disabled=not writer, placeholder="a colleague's name"
    )
    buttons = st.columns(3)
    buttons[0].button(
        "Claim",
        key="sd_q_claim",
        help=f"Assign the picked flags to you ({me or 'unknown'}), after a confirmation.",
        disabled=not picked or me is None,
        on_click=ask,
        args=("claim", picked, me),
    )
    buttons[1].button(
        "Assign",
        key="sd_q_assign",
        disabled=not picked or not assignee.strip(),
        on_click=ask,
        args=("assign", picked, assignee.strip() or None),
    )
    buttons[2].button(
        "Unassign",
        key="sd_q_unassign",
        disabled=not picked,
        on_click=ask,
        args=("unassign", picked, None),
    )
    pending = st.session_state.get("sd_q_pending")
    if pending:
        count = plural(len(pending["flags"]))
        question = {
            "claim": f"Claim {count} as {pending['target']}?",
            "assign": f"Assign {count} to {pending['target']}?",
            "unassign": f"Unassign {count}?",
        }[pending["action"]]
        st.warning(question + " " + ", ".join(pending["flags"][:10]))
        answer = st.columns(2)
        answer[0].button(
            f"Yes, {pending['action']} {count}", key="sd_q_yes", on_click=carry_out, type="primary"
        )
        answer[1].button(
            "Cancel", key="sd_q_no", on_click=lambda: st.session_state.pop("sd_q_pending", None)
        )
    elif "sd_q_undo_to" in st.session_state:
        st.button(
            f"Undo the last assignment ({plural(len(st.session_state['sd_q_undo_to']))})",
            key="sd_q_undo",
            on_click=undo,
        )
