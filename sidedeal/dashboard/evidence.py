"""The evidence panels of the flag page: the score's factors, and for a pair flag the messages
with their findings highlighted in place and the orders between the two on one timeline.

Reading the swap of a phone number next to the orders that did (or did not) follow is what an
investigator decides on, so messages and orders are interleaved in time, not shown apart.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from sidedeal.dashboard import charts, ui
from sidedeal.dashboard.highlight import highlight, legend

JSON = dict[str, Any]


def factors(flag: JSON) -> None:
    """The score's factors as a bar chart, with the reasons in words below it."""
    items: list[JSON] = flag.get("factors") or []
    st.subheader(f"Why it scores {flag['score']:.2f}")
    if not items:
        st.caption("No factor recorded for this flag.")
        return
    st.altair_chart(charts.factors_chart(items), width="stretch")
    for item in charts.factors_frame(items).itertuples():
        st.markdown(f"- **{item.signal}** +{item.contribution:.2f}: {item.reason}")


def figures(pair: JSON) -> None:
    numbers = pair.get("figures") or {}
    st.markdown(
        f"{numbers.get('conversations', 0)} conversations · {numbers.get('messages', 0)} messages · "
        f"**{numbers.get('findings', 0)} findings** ({numbers.get('contact_findings', 0)} contact "
        f"details, {numbers.get('cue_findings', 0)} cues) · {numbers.get('orders', 0)} orders worth "
        f"{numbers.get('order_value', 0):,.0f}"
    )


def pair_evidence(pair: JSON) -> None:
    """The pair's conversations and orders, one timeline, findings highlighted."""
    buyer, seller = pair["buyer"], pair["seller"]
    st.subheader(
        f"Between buyer {buyer.get('name') or buyer['id']} ({buyer['id']}) "
        f"and seller {seller.get('name') or seller['id']} ({seller['id']})"
    )
    figures(pair)
    items = charts.events(pair)
    if not items:
        st.caption("No message or order between them.")
        return
    st.altair_chart(charts.timeline_chart(items), width="stretch")
    st.markdown(legend(), unsafe_allow_html=True)
    conversation = None
    for event in items:
        when = event["at"].strftime("%Y-%m-%d %H:%M") if event["at"] else "undated"
        if event["type"] == "order":
            st.markdown(
                f"**Order {event.get('order_id')}** · {when} · "
                f"{event.get('amount')} {event.get('currency')} · {event.get('status') or ''}"
                + (f" · {event['listing_title']}" if event.get("listing_title") else "")
            )
            continue
        if event.get("conversation_id") != conversation:
            conversation = event.get("conversation_id")
            about = f" about {event['listing']}" if event.get("listing") else ""
            st.markdown(f"**Conversation {conversation}**{about}")
        who = "buyer" if event.get("sender") == "buyer" else "seller"
        cues = ", ".join(event.get("cues") or [])
        body = highlight(str(event.get("body") or ""), event.get("findings") or [])
        st.markdown(
            f'<div class="sd-message" style="border-left:3px solid #ccc;padding:2px 10px;'
            f'margin:4px 0"><small>{who} · {when}</small><br>{body}'
            + (f"<br><small>cues: {cues}</small>" if cues else "")
            + "</div>",
            unsafe_allow_html=True,
        )
    capped = pair.get("messages_capped_at")
    if capped and any(len(c.get("messages") or []) >= capped for c in pair["conversations"]):
        st.caption(f"Showing the first {capped} messages of each conversation.")


def accounts(flag: JSON) -> None:
    """Links to the networks of the sellers the flag concerns."""
    sellers: list[str] = flag.get("seller_ids") or []
    if not sellers:
        return
    cells = st.columns(min(len(sellers), 4))
    for index, seller in enumerate(sellers[:8]):
        cells[index % len(cells)].page_link(
            ui.NETWORK,
            label=f"Network of seller {seller}",
            icon=":material/hub:",
            query_params={"seller": seller},
        )
    if flag.get("buyer_ids"):
        st.caption("Buyers: " + ", ".join(flag["buyer_ids"][:20]))
