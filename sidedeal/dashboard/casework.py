"""The decision form and, for a confirmed flag, its case: the seller's strikes, the next notice on
the escalation ladder (previewed, then issued) and recovery orders.

The notice preview comes from the API (``GET /cases/{id}/notice-preview``), which renders the
text the notice would have; issuing goes through the API too, which renders again and records the
notice once per case and step.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from sidedeal.dashboard import ui

JSON = dict[str, Any]
DECISIONS = {"Confirm": "confirmed", "Dismiss": "dismissed", "Unsure": "unsure"}
DECIDED = frozenset(DECISIONS.values())
# The ladder's steps as a person names them ("formal_notice" is not a "formal notice notice").
STEP_NAMES = {
    "warning": "warning",
    "formal_notice": "formal notice",
    "final_notice": "final notice",
    "suspension_recommended": "suspension recommendation",
}


def step_name(step: str) -> str:
    """A ladder step in words; a step configured under another name reads as "<name> notice"."""
    words = step.replace("_", " ")
    return STEP_NAMES.get(step) or (words if words.endswith("notice") else f"{words} notice")


def decision_form(flag: JSON, writer: bool) -> None:
    """Confirm, dismiss or mark unsure, always with a note (the API keeps it with the flag).

    A decided flag's form is disabled: deciding again would not add evidence. An investigator
    may re-open it instead, with a note; viewers see neither.
    """
    st.subheader("Decision")
    if flag.get("decided_at"):
        st.caption(
            f"Last decision: **{flag['status']}** by {flag.get('decided_by') or '?'} "
            f"on {str(flag['decided_at'])[:16]}: {flag.get('decision_note') or ''}"
        )
    decided = flag.get("status") in DECIDED
    open_form = writer and not decided
    with st.form("sd_decision", clear_on_submit=True):
        choice = st.radio("Decision", list(DECISIONS), horizontal=True, disabled=not open_form)
        note = st.text_area(
            "Note (required)",
            placeholder="What you read and why you decided so",
            disabled=not open_form,
        )
        buttons = st.columns(2)
        sent = buttons[0].form_submit_button(
            "Record decision", type="primary", disabled=not open_form
        )
        onward = buttons[1].form_submit_button(
            "Decide and next",
            disabled=not open_form,
            help="Record the decision, then claim and open the strongest open flag nobody has.",
        )
    if decided and writer:
        reopen_form(flag)
    if not (sent or onward):
        return
    if len(note.strip()) < 3:
        st.warning(
            "Write a note (at least 3 characters) saying why; the decision was not recorded."
        )
        return
    api = ui.client()
    done = ui.call("Recording the decision", api.decide, flag["flag_id"], DECISIONS[choice], note)
    if done is None:
        return
    cases = ", ".join(done["case_ids"]) or "none"
    said = f"Recorded: {done['status']} ({flag['flag_id']}). Open cases: {cases}."
    if onward:
        open_next(said)
    st.session_state["sd_flag_note"] = said
    st.rerun()


def open_next(said: str) -> None:
    """Claim the strongest open flag nobody has and open it, saying what was recorded before;
    when there is none, stay on the decided flag and say the queue is clear."""
    api, me = ui.client(), ui.me()
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
        st.session_state["sd_flag_note"] = f"{said} No open flag is unassigned: the queue is clear."
        st.rerun()
    next_id = str(found["data"][0]["flag_id"])
    claimed = me is not None and ui.call("Claiming it", api.assign, [next_id], me) is not None
    whose = "claimed for you" if claimed else "not claimed (press Claim to take it)"
    st.session_state["sd_flag_note"] = f"{said} Next: {next_id}, {whose}."
    ui.open_flag(next_id)


def reopen_form(flag: JSON) -> None:
    """Re-open a decided flag (investigators only), with a required note."""
    with st.form("sd_reopen", clear_on_submit=True):
        st.caption(f"This flag is {flag['status']}. Re-open it to decide again.")
        note = st.text_input("Why re-open (required)")
        sent = st.form_submit_button("Re-open")
    if not sent:
        return
    if len(note.strip()) < 3:
        st.warning("Write a note (at least 3 characters) saying why; the flag was not re-opened.")
        return
    done = ui.call("Re-opening the flag", ui.client().reopen, flag["flag_id"], note)
    if done is not None:
        st.session_state["sd_flag_note"] = f"Re-opened: {done['status']}."
        st.rerun()


def case_panel(case_id: str, flag: JSON, writer: bool, pair: JSON | None) -> None:
    """The case the confirmed flag is in, and what enforcement follows from it."""
    api = ui.client()
    detail = ui.call("Loading the case", api.case, case_id)
    if detail is None:
        return
    case: JSON = detail["case"]
    st.subheader(f"Case {case_id} · {case['status']}")
    st.caption(
        f"Seller {case.get('seller_name') or ''} ({case['seller_id']}) · opened "
        f"{str(case.get('opened_at'))[:10]} · strike {case.get('strike_number') or '-'} · "
        f"flags: {', '.join(case.get('flag_ids') or [])}"
    )
    st.page_link(
        ui.CASE,
        label="The case's page: its timeline and the team's comments",
        icon=":material/folder:",
        query_params={"case_id": case_id},
    )
    standing = ui.call("Loading the seller's strikes", api.enforcement, case["seller_id"])
    if standing is not None:
        strikes(standing)
    notices(detail, writer)
    recovery(detail, flag, writer, pair)


def strikes(standing: JSON) -> None:
    st.markdown(
        f"**Strike history**: {standing['active_strikes']} active · ladder: "
        + " → ".join(step_name(step) for step in standing["ladder"])
    )
    rows = [
        {
            "strike": s["strike_id"],
            "case": s["case_id"],
            "at": str(s["at"])[:10],
            "expires": str(s["expires_at"])[:10],
            "active": s["active"],
            "void": s["void"],
        }
        for s in standing["strikes"]
    ]
    if rows:
        st.dataframe(pd.DataFrame(rows), hide_index=True)


def notices(detail: JSON, writer: bool) -> None:
    case = detail["case"]
    sent: list[JSON] = detail.get("notices") or []
    for notice in sent:
        with st.expander(f"Notice issued: {notice['subject']}", expanded=False):
            st.caption(
                f"{notice['step']} · {str(notice['issued_at'])[:16]} · by {notice['issued_by']}"
            )
            st.text(notice["body"])
    if case["status"] not in ("open", "notified") or sent:
        return
    draft = ui.call("Preparing the notice", ui.client().notice_preview, case["case_id"])
    if draft is None:
        return
    step, subject, body = draft["step"], draft["subject"], draft["body"]
    st.markdown(f"**Next notice on the ladder: {step_name(step)}** (preview)")
    with st.container(border=True):
        st.markdown(f"**Subject:** {subject}")
        st.code(body, language=None, wrap_lines=True)
    if st.button(f"Issue the {step_name(step)}", disabled=not writer, key="sd_issue"):
        done = ui.call("Issuing the notice", ui.client().issue_notice, case["case_id"])
        if done is not None:
            st.session_state["sd_flag_note"] = (
                f"Notice {done['notice_id']} issued ({done['step']})."
            )
            st.rerun()


def recovery(detail: JSON, flag: JSON, writer: bool, pair: JSON | None) -> None:
    """Recovery orders of the case, and the form recording a confirmed off-platform sale."""
    case = detail["case"]
    orders: list[JSON] = detail.get("recovery_orders") or []
    st.markdown("**Recovery orders**")
    if orders:
        columns = [
            "recovery_order_id",
            "buyer_id",
            "amount",
            "currency",
            "commission_due",
            "status",
        ]
        st.dataframe(pd.DataFrame(orders)[columns], hide_index=True)
    if case["status"] not in ("open", "notified"):
        return
    currency = "EUR"
    if pair and pair.get("orders"):
        currency = str(pair["orders"][-1].get("currency") or currency)
    # One idempotency key per form: a double click or a retry records the sale once.
    token_key = f"sd_ro_token_{case['case_id']}"
    st.session_state.setdefault(token_key, uuid.uuid4().hex)
    buyers: list[str] = flag.get("buyer_ids") or []
    with st.form(f"sd_recovery_{case['case_id']}"):
        cells = st.columns(3)
        amount = cells[0].number_input(
            "Sale amount", min_value=0.0, step=100.0, disabled=not writer
        )
        code = cells[1].text_input("Currency", value=currency, max_chars=3, disabled=not writer)
        buyer = cells[2].selectbox("Buyer", [*buyers, "(none)"], disabled=not writer)
        sale_date = st.date_input("Sale date", value=date.today(), disabled=not writer)
        note = st.text_input("Note (required)", disabled=not writer)
        sent = st.form_submit_button("Record recovery order", disabled=not writer)
    if not sent:
        return
    if amount <= 0 or len(note.strip()) < 3:
        st.warning("Give the sale amount and a note (at least 3 characters); nothing was recorded.")
        return
    body = {
        "amount": amount,
        "currency": code.upper(),
        "buyer_id": None if buyer == "(none)" else buyer,
        "sale_date": sale_date.isoformat() if isinstance(sale_date, date) else None,
        "note": note,
    }
    api = ui.client()
    done = ui.call(
        "Recording", api.recovery_order, case["case_id"], body, st.session_state[token_key]
    )
    if done is not None:
        del st.session_state[token_key]
        st.session_state["sd_flag_note"] = (
            f"Recovery order {done['recovery_order_id']}: commission due "
            f"{done['commission_due']:,.2f} {done['currency']}."
        )
        st.rerun()
