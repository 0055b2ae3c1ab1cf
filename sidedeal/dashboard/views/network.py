"""Network: a seller's neighbourhood (buyers, other sellers, identifiers, flags) as a graph.

Linkable as ``/network?seller=s1``. Depth and a node cap go to the API, which says when the cap
cut the network short. Selecting a node (here, or by clicking it in the graph) shows its details;
from a seller the view can re-centre on it, from a flag it opens the flag.
"""

from __future__ import annotations

import json

import streamlit as st
import streamlit.components.v1 as components

from sidedeal.dashboard import graph, ui

api = ui.client()
st.title("Seller network")
st.caption("Buyers, other sellers, shared identifiers and flags around one seller.")

row = st.columns([2, 1, 1])
typed = row[0].text_input("Seller id", value=ui.param("seller") or "", placeholder="s1")
depth = row[1].slider("Depth (account steps)", 1, 3, value=int(ui.param("depth") or 1))
limit = row[2].number_input("Node cap", min_value=10, max_value=2000, value=200, step=50)
seller_id = typed.strip() or None
ui.set_param("seller", seller_id)
ui.set_param("depth", str(depth) if depth != 1 else None)
if not seller_id:
    ui.stop("Type a seller id, or open a network from a flag or a search result.")
ui.masked_notice()

profile = ui.call("Loading the seller", api.profile, "seller", seller_id)
network = ui.need(ui.call("Loading the network", api.network, seller_id, depth, int(limit)))
if profile is not None:
    numbers = profile.get("figures") or {}
    cells = st.columns(5)
    cells[0].metric("Seller", seller_id, help=profile.get("name"))
    cells[1].metric("Status", profile.get("status") or "-")
    cells[2].metric("Active strikes", profile.get("strikes") or 0)
    cells[3].metric("Counterparties", numbers.get("counterparties", 0))
    cells[4].metric("Open flags", (profile.get("flags_by_status") or {}).get("open", 0))

nodes, edges = network["nodes"], network["edges"]
counts = {kind: sum(1 for n in nodes if n["type"] == kind) for kind in graph.SHAPES}
st.caption(
    f"{len(nodes)} nodes, {len(edges)} edges: "
    + ", ".join(f"{n} {kind}s" for kind, n in counts.items() if n)
)
if network["truncated"]:
    st.warning(
        f"Truncated: the network has more than {network['limit']} nodes at depth {depth}. "
        "Raise the node cap or lower the depth to see all of it."
    )
legend = (
    " ".join(
        f'<span style="color:{colour}">●</span> {kind}'
        for kind, colour in graph.ROLE_COLOURS.items()
    )
    + " · flag / ring: "
    + " ".join(
        f'<span style="color:{colour}">▲</span> {status}'
        for status, colour in graph.FLAG_COLOURS.items()
    )
)
st.markdown(legend, unsafe_allow_html=True)
shown = st.multiselect(
    "Show",
    list(graph.SHAPES),
    default=list(graph.SHAPES),
    key="sd_net_show",
    help="Hide a kind of node (and its edges) to see the rest; the seller stays.",
)
hidden = [kind for kind in graph.SHAPES if kind not in shown]
if hidden:
    st.caption(", ".join(f"{kind}s" for kind in hidden) + " hidden")
drawn = graph.only_kinds(network, set(shown))
components.html(graph.network_html(drawn, name=f"network-{seller_id}"), height=640)

left, right = st.columns([2, 1])
with left:
    labels = {n["id"]: f"{n['type']} · {n['label']}" for n in nodes}
    chosen = st.selectbox("Node details", list(labels), format_func=labels.__getitem__)
    node = next((n for n in nodes if n["id"] == chosen), None)
    if node is not None:
        st.json(node["properties"], expanded=True)
        centre = node["type"] == "seller" and node["id"] != network["center"]
        if centre and st.button(f"Re-centre on {node['label']}"):
            ui.open_network(str(node["properties"].get("id")))
        if node["type"] == "flag" and st.button("Open this flag"):
            ui.open_flag(str(node["properties"].get("flag_id")))
with right:
    st.download_button(
        "Export JSON",
        data=json.dumps(network, indent=1),
        file_name=f"network-{seller_id}-depth{depth}.json",
        mime="application/json",
    )
    st.caption("PNG: the “Save as PNG” button beside the graph saves what it shows.")
