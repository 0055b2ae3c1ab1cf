"""Case: one seller's confirmed violation and everything that followed, on one timeline.

Linkable as ``/case?case_id=case-1f3a9c0d2b``. The timeline puts the decisions on its flags, the
strike, notices, recovery orders and the team's comments in the order they happened; below it,
what can be done next (comment, issue the notice, record a recovery order).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from sidedeal.dashboard import accounts, casework, ui

JSON = dict[str, Any]

api = ui.client()
st.title("Case")

ui.from_url("sd_case_id", "case_id")
typed = st.text_input("Case id", key="sd_case_id", placeholder="case-1f3a9c0d2b")
case_id = typed.strip() or None
ui.to_url("sd_case_id", "case_id", case_id)
if not case_id:
    st.page_link(ui.CASES, label="All cases", icon=":material/folder_open:")
    ui.stop("Open a case from the cases list or a confirmed flag, or type its id.")

ui.masked_notice()
writer = ui.can_write()
if "sd_flag_note" in st.session_state:
    st.success(st.session_state.pop("sd_flag_note"))

detail = ui.need(ui.call("Loading the case", api.case, case_id))
case: JSON = detail["case"]
seller_id = case["seller_id"]
comments = ui.call("Loading the comments", api.comments, case_id) or []
standing = ui.call("Loading the seller's strikes", api.enforcement, seller_id)
flags = [f for f in (ui.call("Loading a flag", api.flag, c["flag_id"]) for c in case["flags"]) if f]


def who(key: str | None) -> str:
    return ui.key_name(key)


st.subheader(f"{case_id} · {case.get('seller_name') or seller_id}")
cells = st.columns(5)
cells[0].metric("Status", case["status"])
cells[1].metric("Strike", case.get("strike_number") or "-")
cells[2].metric("Opened", str(case["opened_at"])[:10])
cells[3].metric("Flags", len(case["flags"]))
if standing is not None:
    cells[4].metric("Active strikes", standing["active_strikes"])
accounts.seller_link(seller_id, case.get("seller_name"))
for flag in case["flags"]:
    reason = flag.get("top_reason") or ""
    accounts.flag_link(
        flag["flag_id"], f"{flag['flag_id']} · {flag['status']} · {flag['score']:.2f} · {reason}"
    )


def timeline() -> list[JSON]:
    events: list[JSON] = [
        {
            "when": case["opened_at"],
            "what": "case opened",
            "who": who(case.get("opened_by")),
            "detail": f"strike {case.get('strike_number') or '-'}",
        },
    ]
    for flag in flags:
        if flag.get("decided_at"):
            events.append(
                {
                    "when": flag["decided_at"],
                    "what": f"flag {flag['status']}",
                    "who": who(flag.get("decided_by")),
                    "detail": f"{flag['flag_id']}: {flag.get('decision_note') or ''}",
                }
            )
    for strike in (standing or {}).get("strikes") or []:
        if strike["case_id"] == case_id:
            state = "void" if strike["void"] else ("active" if strike["active"] else "expired")
            events.append(
                {
                    "when": strike["at"],
                    "what": "strike",
                    "who": "",
                    "detail": f"{strike['strike_id']} ({state}), expires "
                    f"{str(strike['expires_at'])[:10]}",
                }
            )
    for notice in detail.get("notices") or []:
        events.append(
            {
                "when": notice["issued_at"],
                "what": f"{casework.step_name(notice['step'])} issued",
                "who": who(notice.get("issued_by")),
                "detail": notice["subject"],
            }
        )
    for order in detail.get("recovery_orders") or []:
        events.append(
            {
                "when": order["created_at"],
                "what": "recovery order",
                "who": who(order["created_by"]),
                "detail": f"{order['amount']:,.2f} {order['currency']}, commission "
                f"{order['commission_due']:,.2f} ({order['status']}): {order['note']}",
            }
        )
    for comment in comments:
        events.append(
            {
                "when": comment["created_at"],
                "what": "comment",
                "who": comment["author"],
                "detail": comment["body"],
            }
        )
    if case.get("closed_at"):
        events.append(
            {
                "when": case["closed_at"],
                "what": "case closed",
                "who": "",
                "detail": case.get("close_note") or "",
            }
        )
    for event in events:
        event["when"] = str(event["when"])[:16].replace("T", " ")
    return sorted(events, key=lambda e: str(e["when"]))


st.subheader("Timeline")
st.dataframe(
    pd.DataFrame(timeline()),
    hide_index=True,
    column_config={
        "when": st.column_config.TextColumn("when (UTC)", width="small"),
        "what": st.column_config.TextColumn("what", width="small"),
        "who": st.column_config.TextColumn("who", width="small"),
        "detail": st.column_config.TextColumn("detail", width="large"),
    },
)

st.subheader("Comments")
for comment in comments:
    with st.container(border=True):
        st.caption(f"{comment['author']} · {str(comment['created_at'])[:16].replace('T', ' ')}")
        st.text(comment["body"])
if not comments:
    st.caption("No comments yet.")
if writer:
    with st.form("sd_comment", clear_on_submit=True):
        body = st.text_area(
            "Add a comment", placeholder="Who you called, what they said, next step"
        )
        sent = st.form_submit_button("Add comment")
    if sent:
        if len(body.strip()) < 3:
            st.warning("Write at least 3 characters; nothing was added.")
        elif ui.call("Adding the comment", api.add_comment, case_id, body) is not None:
            st.session_state["sd_flag_note"] = "Comment added."
            st.rerun()

st.divider()
if standing is not None:
    casework.strikes(standing)
first = flags[0] if flags else {"flag_id": "", "buyer_ids": []}
casework.notices(detail, writer)
casework.recovery(detail, first, writer, None)
