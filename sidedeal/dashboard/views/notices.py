"""Notices and recovery orders: what enforcement sent to sellers and what they owe, across
cases, each linked to its case (``/notices?seller=s2``, ``/notices?recovery=open``)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from sidedeal.dashboard import ui
from sidedeal.dashboard.casework import step_name

JSON = dict[str, Any]
STATUSES = ["any", "open", "invoiced", "paid", "waived", "disputed"]
LIMIT = 200

api = ui.client()
st.title("Notices and recovery orders")
ui.masked_notice()

row = st.columns(2)
seller = row[0].text_input(
    "Seller id", key="seller", placeholder="empty for every seller", bind="query-params"
)
status = row[1].selectbox("Recovery status", STATUSES, key="recovery", bind="query-params")
seller_id = seller.strip() or None

st.subheader("Notices issued")
notices = ui.call("Loading the notices", api.notices, seller_id=seller_id, limit=LIMIT)
if notices is not None:
    data: list[JSON] = notices["data"]
    st.caption(f"{ui.plural(notices['count'], 'notice')}, newest first (at most {LIMIT}).")
    if data:
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "case": f"case?case_id={n['case_id']}",
                        "issued": str(n["issued_at"])[:16].replace("T", " "),
                        "step": step_name(n["step"]),
                        "seller": n["seller_id"],
                        "strike": n["strike_number"],
                        "subject": n["subject"],
                        "by": ui.key_name(n["issued_by"]),
                    }
                    for n in data
                ]
            ),
            hide_index=True,
            column_config={
                "case": st.column_config.LinkColumn("case", display_text=r"case\?case_id=(.*)"),
                "subject": st.column_config.TextColumn("subject", width="large"),
            },
        )

st.subheader("Recovery orders")
orders = ui.call(
    "Loading the recovery orders",
    api.recovery_orders,
    seller_id=seller_id,
    status=None if status == "any" else status,
    limit=LIMIT,
)
if orders is not None:
    rows: list[JSON] = orders["data"]
    st.caption(f"{ui.plural(orders['count'], 'recovery order')}, newest first (at most {LIMIT}).")
    if rows:
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "case": f"case?case_id={o['case_id']}",
                        "recorded": str(o["created_at"])[:10],
                        "seller": o["seller_id"],
                        "buyer": o.get("buyer_id") or "",
                        "amount": o["amount"],
                        "commission due": o["commission_due"],
                        "currency": o["currency"],
                        "status": o["status"],
                        "note": o["note"],
                    }
                    for o in rows
                ]
            ),
            hide_index=True,
            column_config={
                "case": st.column_config.LinkColumn("case", display_text=r"case\?case_id=(.*)"),
                "amount": st.column_config.NumberColumn("amount", format="%.2f"),
                "commission due": st.column_config.NumberColumn("commission due", format="%.2f"),
                "note": st.column_config.TextColumn("note", width="large"),
            },
        )
