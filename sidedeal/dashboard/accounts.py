"""The accounts behind a seller or cluster flag, with a way on from every piece of evidence: the
seller's facts, each flagged pair linked to its flag and its buyer, the other accounts named,
and a cluster's members. A flag page is never a dead end.

Buyers open on the search page (their profile: counterparties, flags, identifiers), sellers on
their network; pair flags on the flag page, where their messages are.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import streamlit as st

from sidedeal.dashboard import charts, ui

JSON = dict[str, Any]


def since(value: Any) -> str:
    moment = charts.parse_time(value)
    if moment is None:
        return "joining date unknown"
    years = (datetime.now(UTC) - moment).days / 365.25
    return f"on the marketplace since {moment:%Y-%m-%d} ({years:.1f} years)"


def count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def seller_facts(profile: JSON) -> None:
    """Who the seller is, in one line, with a link to their network."""
    numbers = profile.get("figures") or {}
    st.subheader(f"Seller {profile.get('name') or profile['id']} ({profile['id']})")
    st.markdown(
        f"{profile.get('country') or 'country unknown'} · {since(profile.get('created_at'))} · "
        f"status {profile.get('status') or 'active'} · "
        f"{count(profile.get('strikes') or 0, 'active strike')}  \n"
        f"{count(numbers.get('orders', 0), 'order')} worth {numbers.get('order_value', 0):,.0f} · "
        f"{count(numbers.get('counterparties', 0), 'buyer')} talked to · "
        f"{count(numbers.get('findings', 0), 'finding')} in messages · open flags: "
        f"{(profile.get('flags_by_status') or {}).get('open', 0)}"
    )
    st.page_link(
        ui.NETWORK,
        label=f"Network of {profile.get('name') or profile['id']}",
        icon=":material/hub:",
        query_params={"seller": profile["id"]},
    )


def buyer_link(buyer_id: str, name: str | None) -> None:
    st.page_link(
        ui.SEARCH,
        label=f"Buyer {name or buyer_id} ({buyer_id})",
        icon=":material/person:",
        query_params={"q": buyer_id},
    )


def seller_link(seller_id: str, name: str | None) -> None:
    st.page_link(
        ui.NETWORK,
        label=f"Seller {name or seller_id} ({seller_id})",
        icon=":material/storefront:",
        query_params={"seller": seller_id},
    )


def flag_link(flag_id: str, label: str) -> None:
    st.page_link(ui.FLAG, label=label, icon=":material/flag:", query_params={"flag_id": flag_id})


def seller_evidence(flag: JSON, profile: JSON | None) -> None:
    """Each factor of a seller flag with the accounts, pair flags and messages it rests on."""
    seller_id = (flag.get("seller_ids") or [""])[0]
    names = {p["id"]: p.get("name") for p in (profile or {}).get("pairs") or []}
    existing = {f["flag_id"] for f in (profile or {}).get("flags") or []}
    st.subheader("Evidence, and where to read it")
    factors = sorted(flag.get("factors") or [], key=lambda f: -float(f.get("contribution") or 0))
    for index, factor in enumerate(factors):
        evidence = [str(e) for e in factor.get("evidence") or []]
        with st.container(border=True, key=f"sd_ev_{index}"):
            st.markdown(f"**{factor.get('signal')}** +{float(factor['contribution']):.2f}")
            st.caption(str(factor.get("reason") or ""))
            for key in evidence:
                kind, _, account = key.partition(":")
                if kind == "buyer":
                    pair_id = f"pair:{account}:{seller_id}"
                    if pair_id in existing:
                        flag_link(pair_id, f"Pair flag {pair_id}: read the messages")
                    buyer_link(account, names.get(account))
                elif kind == "seller" and account != seller_id:
                    seller_link(account, None)
            cited = [e for e in evidence if ":" not in e]
            if cited:
                st.caption("Messages cited: " + ", ".join(cited) + " (on the pair flag's page)")


def cluster_members(flag: JSON) -> None:
    """The cluster's accounts (linked) and the flags among them."""
    sellers: list[str] = flag.get("seller_ids") or []
    buyers: list[str] = flag.get("buyer_ids") or []
    seller_names = dict(zip(sellers, flag.get("seller_names") or [], strict=False))
    buyer_names = dict(zip(buyers, flag.get("buyer_names") or [], strict=False))
    st.subheader(f"Members: {len(sellers)} sellers, {len(buyers)} buyers")
    cells = st.columns(2)
    with cells[0]:
        for seller in sellers[:30]:
            seller_link(seller, seller_names.get(seller))
    with cells[1]:
        for buyer in buyers[:30]:
            buyer_link(buyer, buyer_names.get(buyer))
    if len(sellers) > 30 or len(buyers) > 30:
        st.caption("The first 30 of each side; the network shows all of them.")
    members = set(buyers)
    found: dict[str, JSON] = {}
    for seller in sellers[:10]:
        listed = ui.call(
            "Loading the members' flags",
            ui.client().flags,
            seller_id=seller,
            status=["open", "unsure", "confirmed"],
            limit=50,
        )
        for item in (listed or {}).get("data") or []:
            inside = item["kind"] != "pair" or set(item.get("buyer_ids") or []) & members
            if item["flag_id"] != flag["flag_id"] and inside:
                found[item["flag_id"]] = item
    if found:
        st.markdown("**Flags among its members**")
        for item in sorted(found.values(), key=lambda f: -float(f["score"])):
            flag_link(
                item["flag_id"], f"{item['flag_id']} · {item['status']} · {item['score']:.2f}"
            )
