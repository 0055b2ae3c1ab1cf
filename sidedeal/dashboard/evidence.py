"""The evidence panels of the flag page: the score's factors, and for a pair flag the messages
with their findings highlighted in place and the orders between the two on one timeline.

Reading the swap of a phone number next to the orders that did (or did not) follow is what an
investigator decides on, so messages and orders are interleaved in time, not shown apart. The
findings come first: by default only the messages with findings, two either side of each, and
the orders; the whole thread is a toggle away. Each message shows its id and is an anchor
(``#msg-<id>``) that the reasons citing it link to.
"""

from __future__ import annotations

import html
import re
from typing import Any

import streamlit as st

from sidedeal.dashboard import charts, ui
from sidedeal.dashboard.highlight import highlight, legend

JSON = dict[str, Any]


CITED = re.compile(r"\bmessage ([A-Za-z0-9_.:-]+)")


def link_messages(text: str, on_page: set[str]) -> str:
    """``message m3`` as a link to the message's anchor, when that message is on the page."""

    def link(found: re.Match[str]) -> str:
        message_id = found.group(1)
        if message_id not in on_page:
            return found.group(0)
        return f"[message {message_id}](#msg-{message_id})"

    return CITED.sub(link, text)


def factors(flag: JSON, on_page: set[str] | None = None, reasons: bool = True) -> None:
    """The score's factors as a bar chart, with the reasons in words below it (the messages they
    cite linked when they are on the page); ``reasons=False`` when the page shows them already."""
    items: list[JSON] = flag.get("factors") or []
    st.subheader(f"Why it scores {flag['score']:.2f}")
    if not items:
        st.caption("No factor recorded for this flag.")
        return
    st.altair_chart(charts.factors_chart(items), width="stretch")
    if not reasons:
        return
    for item in charts.factors_frame(items).itertuples():
        reason = link_messages(str(item.reason), on_page or set())
        st.markdown(f"- **{item.signal}** +{item.contribution:.2f}: {reason}")


def figures(pair: JSON) -> None:
    numbers = pair.get("figures") or {}

    def count(key: str, noun: str) -> str:
        n = int(numbers.get(key) or 0)
        return f"{n} {noun}" if n == 1 else f"{n} {noun}s"

    st.markdown(
        f"{count('conversations', 'conversation')} · {count('messages', 'message')} · "
        f"**{count('findings', 'finding')}** ({count('contact_findings', 'contact detail')}, "
        f"{count('cue_findings', 'cue')}) · {count('orders', 'order')} worth "
        f"{numbers.get('order_value', 0):,.0f}"
    )


def message_ids(pair: JSON | None) -> set[str]:
    return {
        str(m.get("message_id"))
        for c in (pair or {}).get("conversations") or []
        for m in c.get("messages") or []
    }


def pair_evidence(pair: JSON, whole: bool = False) -> None:
    """The pair's conversations and orders, one timeline, findings highlighted; ``whole``: every
    message, else the findings with two messages of context either side (and every order)."""
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
    keep = [True] * len(items) if whole else charts.context_mask(items)
    conversation = None
    hidden = 0
    for event, shown in zip(items, keep, strict=True):
        if not shown:
            hidden += 1
            continue
        if hidden:
            folded(hidden)
            hidden = 0
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
        message(event, when)
    if hidden:
        folded(hidden)
    capped = pair.get("messages_capped_at")
    if capped and any(len(c.get("messages") or []) >= capped for c in pair["conversations"]):
        st.caption(f"Showing the first {capped} messages of each conversation.")


def folded(count: int) -> None:
    st.caption(f"… {count} messages without findings (turn on “Whole thread” above to read them)")


def message(event: JSON, when: str) -> None:
    who = "buyer" if event.get("sender") == "buyer" else "seller"
    cues = ", ".join(event.get("cues") or [])
    body = highlight(str(event.get("body") or ""), event.get("findings") or [])
    message_id = html.escape(str(event.get("message_id") or ""))
    marked = (
        "border-left:3px solid #c0392b" if event.get("findings") else "border-left:3px solid #ccc"
    )
    st.markdown(
        f'<div class="sd-message" id="msg-{message_id}" style="{marked};padding:2px 10px;'
        f'margin:4px 0;scroll-margin-top:4rem"><small>{who} · {when} · {message_id}</small>'
        f"<br>{body}" + (f"<br><small>cues: {cues}</small>" if cues else "") + "</div>",
        unsafe_allow_html=True,
    )


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
