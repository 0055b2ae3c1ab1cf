"""Search: accounts by id or name, identifiers of every kind (email, phone in any format, handle,
IBAN, payout account, website...), as the API's identifier registry lists them.

The API normalises the query the way ingest normalised the data, so "07911 123456",
"+44 7911 123456" and "0044-7911-123456" find the same phone. Linkable as ``/search?q=...``.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from sidedeal.dashboard import ui
from sidedeal.ids import account_key, parse_account

api = ui.client()
st.title("Search")
if "sd_identifier_kinds" not in st.session_state:
    listed = ui.call("Loading identifier kinds", api.identifier_kinds)
    st.session_state["sd_identifier_kinds"] = [k["name"] for k in listed or []]
KINDS = ["auto", "id", "name", *st.session_state["sd_identifier_kinds"]]

ui.from_url("sd_search_q", "q")
with st.form("sd_search"):
    row = st.columns([4, 1, 1])
    query = row[0].text_input(
        "Id, name, email, phone, handle, IBAN...",
        key="sd_search_q",
        placeholder="s12, Hartley, j.smith@gmail.com, 07911 123456, telegram:@name",
    )
    kind = row[1].selectbox("As", KINDS)
    country = row[2].text_input("Phone region", max_chars=2, placeholder="GB")
    st.form_submit_button("Search", type="primary")

text = query.strip()
ui.to_url("sd_search_q", "q", text or None)
if not text:
    ui.stop("Type what you are looking for.")
ui.masked_notice()
result = ui.need(ui.call("Searching", api.search, text, kind, country.strip().upper() or None))
st.caption(f"Searched as: {', '.join(result['searched'])}")

accounts = result["accounts"]
identifiers = result["identifiers"]
if not accounts and not identifiers:
    ui.stop(f"Nothing found for {text!r}.")

if accounts:
    st.subheader(f"Accounts ({len(accounts)})")
    frame = pd.DataFrame(
        [
            {
                "kind": a["kind"],
                "id": a["id"],
                "name": a.get("name") or "",
                "country": a.get("country") or "",
                "open flags": a.get("open_flags", 0),
                "network": f"network?seller={a['id']}" if a["kind"] == "seller" else None,
            }
            for a in accounts
        ]
    )
    st.dataframe(
        frame,
        hide_index=True,
        column_config={"network": st.column_config.LinkColumn("network", display_text="open")},
    )

if identifiers:
    st.subheader(f"Identifiers ({len(identifiers)})")
    for ident in identifiers:
        holders = ", ".join(
            f"{h['kind']} {h['id']} ({h.get('name') or '?'})" for h in ident["holders"]
        )
        st.markdown(
            f"**{ident['key']}** · held by {ident['holder_count']} accounts · "
            f"mentioned in {ident['mentions']} messages  \n{holders}"
        )

choices = {
    f"{a['kind']}:{a['id']}": f"{a['kind']} {a['id']} · {a.get('name') or ''}" for a in accounts
}
for ident in identifiers:
    for holder in ident["holders"]:
        choices.setdefault(
            account_key(holder["kind"], holder["id"]),
            f"{holder['kind']} {holder['id']} · {holder.get('name') or ''}",
        )
if not choices:
    st.stop()
st.divider()
key = st.selectbox("Account", list(choices), format_func=choices.__getitem__)
kind_of, account_id = parse_account(key)
if kind_of == "seller":
    st.page_link(
        ui.NETWORK,
        label=f"Network of seller {account_id}",
        icon=":material/hub:",
        query_params={"seller": account_id},
    )
profile = ui.call("Loading the account", api.profile, kind_of, account_id)
if profile is not None:
    numbers = profile["figures"]
    st.caption(
        f"{profile.get('name') or account_id} · {profile.get('country') or '-'} · "
        f"{numbers['counterparties']} counterparties, {numbers['orders']} orders, "
        f"{numbers['findings']} findings"
    )
    for flag in profile["flags"][:10]:
        reason = flag.get("top_reason") or ""
        label = f"{flag['flag_id']} · {flag['status']} · {flag['score']:.2f} · {reason}"
        st.page_link(ui.FLAG, label=label[:120], query_params={"flag_id": flag["flag_id"]})
