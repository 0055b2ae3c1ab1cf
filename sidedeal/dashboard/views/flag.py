"""Flag / case: one flag's evidence, the decision on it, and the case a confirmation opens.

Linkable as ``/flag?flag_id=pair:b1:s1``.
"""

from __future__ import annotations

import streamlit as st

from sidedeal.dashboard import accounts, casework, evidence, ui

api = ui.client()
st.title("Flag / case")

ui.from_url("sd_flag_id", "flag_id")
typed = st.text_input("Flag id", key="sd_flag_id", placeholder="pair:b1:s1")
flag_id = typed.strip() or None
ui.to_url("sd_flag_id", "flag_id", flag_id)
if not flag_id:
    ui.stop("Open a flag from the queue, or type its id (pair:BUYER:SELLER, seller:SELLER).")

ui.masked_notice()
writer = ui.can_write()
if "sd_flag_note" in st.session_state:
    st.success(st.session_state.pop("sd_flag_note"))

flag = ui.need(ui.call("Loading the flag", api.flag, flag_id))
cells = st.columns(5)
cells[0].metric("Score", f"{flag['score']:.2f}")
cells[1].metric("Kind", flag["kind"])
cells[2].metric("Status", flag["status"])
cells[3].metric("Assignee", flag.get("assignee") or "nobody")
me = ui.me()
claim = cells[4].button("Claim", disabled=not writer or me is None or flag.get("assignee") == me)
if claim and me and ui.call("Claiming", api.assign, [flag_id], me) is not None:
    st.rerun()
if flag.get("suppressed_until"):
    st.info(f"Allow-listed or snoozed until {str(flag['suppressed_until'])[:10]}.")
evidence.accounts(flag)

pair = None
if flag["kind"] == "pair" and flag.get("buyer_ids") and flag.get("seller_ids"):
    pair = ui.call(
        "Loading the conversations", api.pair, flag["buyer_ids"][0], flag["seller_ids"][0]
    )

left, right = st.columns([3, 2])
with left:
    if pair is not None:
        whole = st.toggle(
            "Whole thread",
            key="sd_thread",
            help="Off: the messages with findings, two either side of each, and the orders.",
        )
        evidence.pair_evidence(pair, whole=whole)
    elif flag["kind"] == "seller" and flag.get("seller_ids"):
        profile = ui.call("Loading the seller", api.profile, "seller", flag["seller_ids"][0])
        if profile is not None:
            accounts.seller_facts(profile)
        accounts.seller_evidence(flag, profile)
    elif flag["kind"] == "cluster":
        accounts.cluster_members(flag)
with right:
    evidence.factors(flag, evidence.message_ids(pair), reasons=flag["kind"] != "seller")
    if flag.get("new_evidence"):
        st.caption("New since the last alert: " + ", ".join(flag["new_evidence"]))
    casework.decision_form(flag, writer)

for case_id in flag.get("case_ids") or []:
    st.divider()
    casework.case_panel(case_id, flag, writer, pair)
