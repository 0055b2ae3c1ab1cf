"""Small charts and tables built from API responses: a score's factors, a pair's timeline.

Pure functions from JSON to pandas or Altair, so pages stay thin and the shaping can be tested
without Streamlit. Altair ships with Streamlit and renders offline (Vega is bundled).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import altair as alt
import pandas as pd

JSON = dict[str, Any]


def parse_time(value: Any) -> datetime | None:
    """An API timestamp (ISO 8601) as an aware datetime; ``None`` when absent or unreadable."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def age_days(value: Any, now: datetime | None = None) -> float | None:
    moment = parse_time(value)
    if moment is None:
        return None
    return round(((now or datetime.now(UTC)) - moment).total_seconds() / 86400, 1)


def factors_frame(factors: list[JSON]) -> pd.DataFrame:
    """One row per factor, strongest first: what the noisy-OR added for each named signal."""
    rows = [
        {
            "signal": str(f.get("signal")),
            "contribution": float(f.get("contribution") or 0.0),
            "weight": float(f.get("weight") or 0.0),
            "reason": str(f.get("reason") or ""),
        }
        for f in factors
    ]
    frame = pd.DataFrame(rows, columns=["signal", "contribution", "weight", "reason"])
    frame = frame.sort_values("contribution", ascending=False, ignore_index=True)
    # A signal may fire more than once (a seller's several flagged pairs): one bar each.
    repeat = frame.groupby("signal").cumcount()
    frame["factor"] = [
        s if n == 0 else f"{s} ({n + 1})" for s, n in zip(frame["signal"], repeat, strict=True)
    ]
    return frame


def factors_chart(factors: list[JSON]) -> alt.Chart:
    """A horizontal bar per factor; the tooltip carries the reason with its evidence."""
    frame = factors_frame(factors)
    chart: alt.Chart = (
        alt.Chart(frame)
        .mark_bar(color="#c0392b")
        .encode(
            x=alt.X("contribution:Q", title="contribution to the score"),
            y=alt.Y("factor:N", sort="-x", title=None, axis=alt.Axis(labelLimit=260)),
            tooltip=["factor", alt.Tooltip("contribution:Q", format=".3f"), "reason"],
        )
        .properties(height=alt.Step(28))
    )
    return chart


def events(pair: JSON) -> list[JSON]:
    """The pair's messages and orders as one chronological list of events.

    Each event is ``{"type": "message"|"order", "at": datetime|None, ...}``; messages keep their
    conversation, so a reader sees where the contact details were swapped relative to the
    orders (an order after the swap, or none at all, is the pattern).
    """
    found: list[JSON] = []
    for conversation in pair.get("conversations") or []:
        listing = conversation.get("listing") or {}
        for message in conversation.get("messages") or []:
            found.append(
                {
                    "type": "message",
                    "at": parse_time(message.get("sent_at")),
                    "conversation_id": conversation.get("conversation_id"),
                    "listing": listing.get("title"),
                    **message,
                }
            )
    for order in pair.get("orders") or []:
        found.append({"type": "order", "at": parse_time(order.get("placed_at")), **order})
    floor = datetime.min.replace(tzinfo=UTC)
    found.sort(key=lambda e: (e["at"] or floor, e["type"] == "order"))
    return found


def timeline_frame(items: list[JSON]) -> pd.DataFrame:
    rows = []
    for event in items:
        if event["at"] is None:
            continue
        if event["type"] == "order":
            lane = "order"
            what = f"order {event.get('order_id')}: {event.get('amount')} {event.get('currency')}"
        else:
            lane = f"{event.get('sender')} message"
            kinds = sorted({str(f.get("kind")) for f in event.get("findings") or []})
            what = ("findings: " + ", ".join(kinds)) if kinds else "no finding"
        rows.append(
            {
                "at": event["at"],
                "lane": lane,
                "what": what,
                "flagged": lane != "order" and what != "no finding",
            }
        )
    return pd.DataFrame(rows, columns=["at", "lane", "what", "flagged"])


def timeline_chart(items: list[JSON], today: datetime | None = None) -> alt.LayerChart:
    """Messages (by sender) and orders on one time axis, with years on the axis and a "today"
    rule, so that "no order since" can be read as a gap up to today; findings stand out."""
    frame = timeline_frame(items)
    moment = today or datetime.now(UTC)
    points = (
        alt.Chart(frame)
        .mark_point(filled=True, size=120)
        .encode(
            x=alt.X("at:T", title=None, axis=alt.Axis(format="%b %Y", labelOverlap=True)),
            y=alt.Y("lane:N", title=None, sort=["buyer message", "seller message", "order"]),
            color=alt.Color(
                "flagged:N",
                scale=alt.Scale(domain=[True, False], range=["#c0392b", "#7f8c8d"]),
                legend=alt.Legend(title="finding"),
            ),
            shape=alt.Shape("lane:N", legend=None),
            tooltip=[alt.Tooltip("at:T", format="%Y-%m-%d %H:%M"), "lane", "what"],
        )
    )
    marker = pd.DataFrame({"at": [moment], "label": ["today"]})
    rule = alt.Chart(marker).mark_rule(color="#2c3e50", strokeDash=[4, 3]).encode(x="at:T")
    label = (
        alt.Chart(marker)
        .mark_text(align="right", baseline="top", dx=-4, color="#2c3e50")
        .encode(x="at:T", y=alt.value(0), text="label:N")
    )
    return alt.LayerChart(layer=[points, rule, label], height=150)


def context_mask(items: list[JSON], around: int = 2) -> list[bool]:
    """Which events the findings-only view shows: every order, every message with a finding,
    and up to ``around`` messages either side of one in the same conversation."""
    keep = [event["type"] == "order" for event in items]
    by_conversation: dict[Any, list[int]] = {}
    for index, event in enumerate(items):
        if event["type"] == "message":
            by_conversation.setdefault(event.get("conversation_id"), []).append(index)
    for indices in by_conversation.values():
        for position, index in enumerate(indices):
            if items[index].get("findings"):
                for near in indices[max(0, position - around) : position + around + 1]:
                    keep[near] = True
    return keep
