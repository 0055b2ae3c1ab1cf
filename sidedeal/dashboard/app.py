"""The explorer's entry point (``streamlit run``): page set-up, navigation and the sidebar.

Each page has a URL path (``/flag?flag_id=...``, ``/network?seller=...``) so a flag or a seller
can be linked to from a ticket or a chat and opened straight away.
"""

from __future__ import annotations

import streamlit as st

from sidedeal.dashboard import ui

st.set_page_config(
    page_title="sidedeal explorer", page_icon=":material/travel_explore:", layout="wide"
)

pages = [
    st.Page(ui.QUEUE, title="Queue", icon=":material/inbox:", url_path="queue", default=True),
    st.Page(ui.FLAG, title="Flag / case", icon=":material/flag:", url_path="flag"),
    st.Page(ui.CASES, title="Cases", icon=":material/folder_open:", url_path="cases"),
    st.Page(ui.CASE, title="Case", icon=":material/folder:", url_path="case"),
    st.Page(ui.NOTICES, title="Notices, recovery", icon=":material/mail:", url_path="notices"),
    st.Page(ui.NETWORK, title="Network", icon=":material/hub:", url_path="network"),
    st.Page(ui.SEARCH, title="Search", icon=":material/search:", url_path="search"),
    st.Page(ui.RUNS, title="Runs", icon=":material/history:", url_path="runs"),
    st.Page(ui.SIGNALS, title="Signals", icon=":material/query_stats:", url_path="signals"),
    st.Page(ui.AUDIT, title="Audit", icon=":material/policy:", url_path="audit"),
    st.Page(
        ui.ALLOW_LIST,
        title="Allow-list",
        icon=":material/do_not_disturb_on:",
        url_path="allow-list",
    ),
]
page = st.navigation(pages)
ui.sidebar()
page.run()
