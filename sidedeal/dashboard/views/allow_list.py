"""Allow-list: the pairs taken out of the queue (allow-listed for good reason, or snoozed until a
date), with who did it, why and until when; investigators lift an entry here.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import streamlit as st

from sidedeal.client import ApiError
from sidedeal.dashboard import ui

JSON = dict[str, Any]
SIZE = 50

api = ui.client()
st.title("Allow-list and snoozes")
ui.masked_notice()
writer = ui.can_write()
if "sd_allow_note" in st.session_state:
    st.success(st.session_state.pop("sd_allow_note"))

row = st.columns([2, 1, 3])
expired = row[0].toggle("Include expired entries", key="expired", bind="query-params")
page = int(
    row[1].number_input("Page", min_value=1, value=1, step=1, key="page", bind="query-params")
)
result = ui.need(
    ui.call(
        "Loading the allow-list",
        api.allow_list,
        include_expired=expired,
        limit=SIZE,
        offset=(page - 1) * SIZE,
    )
)
entries: list[JSON] = result["data"]
pages = max(1, math.ceil(result["count"] / SIZE))
st.caption(
    f"{ui.plural(result['count'], 'entry', 'entries')}, soonest expiry first (page {page} of {pages})."
    if entries
    else f"{ui.plural(result['count'], 'entry', 'entries')}; page {page} of {pages} is empty."
)
if not entries:
    ui.stop(
        "No pair is allow-listed or snoozed. Allow-list or snooze a pair from its flag "
        "(the API's PUT /pairs/{buyer}/{seller}/allow-list)."
    )


def table_row(entry: JSON) -> JSON:
    return {
        "flag": f"flag?flag_id={entry['flag_id']}",
        "mode": entry["mode"].replace("_", " "),
        "buyer": entry["buyer_id"],
        "seller": entry["seller_id"],
        "reason": entry["reason"],
        "expires": str(entry["expires_at"])[:10],
        "by": ui.key_name(entry["created_by"]),
        "since": str(entry["created_at"])[:10],
    }


st.dataframe(
    pd.DataFrame([table_row(e) for e in entries]),
    hide_index=True,
    height=min(len(entries), 100) * 35 + 38,
    column_config={
        "flag": st.column_config.LinkColumn("flag", display_text=r"flag\?flag_id=(.*)"),
        "reason": st.column_config.TextColumn("reason", width="large"),
    },
)

if writer:
    st.subheader("Lift an entry")
    labels = {f"{e['flag_id']} · {e['mode']} until {str(e['expires_at'])[:10]}": e for e in entries}
    chosen = st.selectbox("Entry", list(labels), key="sd_allow_pick")
    confirm = st.checkbox(
        "Yes, put this pair back in the queue now", key="sd_allow_confirm", value=False
    )
    if st.button("Lift", key="sd_allow_lift", disabled=not confirm) and chosen:
        entry = labels[chosen]
        try:
            api.lift_allow_list(entry["buyer_id"], entry["seller_id"])
        except ApiError as error:
            ui.show_error(error)
        else:
            st.session_state["sd_allow_note"] = f"Lifted: {entry['flag_id']} is back in the queue."
            st.session_state.pop("sd_allow_confirm", None)
            st.rerun()
