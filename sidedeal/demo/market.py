"""The write side of the simulation: ids, rows and labels for conversations, messages, orders.

:class:`Market` owns the open tables, the label sink and the id counters; :class:`Thread` is one
conversation being written, message by message, with the clock moving forward as people reply.
Every row goes to disk as soon as it exists; nothing here remembers past conversations.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from sidedeal.demo.catalogue import Item, catalogue, make_item, weighted
from sidedeal.demo.contacts import Planted
from sidedeal.demo.identities import canonical, check_phone
from sidedeal.demo.labels import COURIER_MESSAGES, LabelSink
from sidedeal.demo.lookalikes import has_lookalike
from sidedeal.demo.people import DAY, Person
from sidedeal.demo.texts import Party, Voice
from sidedeal.demo.writers import Table

START = 1_656_633_600  # 2022-07-01T00:00:00Z: the first conversation of the export
AS_OF = 1_751_328_000  # 2025-07-01T00:00:00Z: the export's cut-off; nothing happens after it
HOUR = 3_600


def iso(ts: int) -> str:
    """ISO 8601 UTC with a ``Z``, second precision."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


class Market:
    """Open tables, labels and id counters of one run."""

    def __init__(self, tables: dict[str, Table], labels: LabelSink) -> None:
        self.tables, self.labels = tables, labels
        self.counters = {"l": 0, "c": 0, "m": 0, "o": 0}

    def next_id(self, prefix: str, width: int) -> str:
        """The next id with ``prefix``, zero-padded to ``width`` digits."""
        self.counters[prefix] += 1
        return f"{prefix}{self.counters[prefix]:0{width}d}"


@dataclass
class Listings:
    """One seller's stock, created on demand so each listing predates its first conversation."""

    market: Market
    rng: random.Random
    seller: Person
    currency: str
    unsold: list[tuple[Item, int]] = field(default_factory=list)

    def take(self, at: int) -> Item:
        """A listing live at time ``at``: an unsold one already listed, or a new one."""
        ready = [pair for pair in self.unsold if pair[1] <= at]
        if ready and self.rng.random() < 0.3:
            return self.rng.choice(ready)[0]
        return self.add(at)

    def add(self, at: int) -> Item:
        """List a new item shortly before ``at`` (never before the seller joined)."""
        listing_id = self.market.next_id("l", 7)
        category = weighted(self.rng, catalogue().categories)
        item = make_item(self.rng, listing_id, category, self.currency)
        created = max(self.seller.created + HOUR, at - self.rng.randint(1, 120) * DAY)
        created = min(created, at - HOUR)
        row = (item.listing_id, self.seller.id, item.title, item.category, item.price)
        self.market.tables["listings"].write((*row, item.currency, iso(created)))
        self.unsold.append((item, created))
        return item

    def sold(self, item: Item) -> None:
        """Take a sold item off the market."""
        self.unsold = [pair for pair in self.unsold if pair[0] is not item]


class Thread:
    """One conversation being written; the clock moves with each reply."""

    def __init__(
        self,
        market: Market,
        rng: random.Random,
        lang: str,
        item: Item,
        seller: tuple[Person, Party],
        buyer: tuple[Person, Party],
        start: int,
    ) -> None:
        self.market, self.rng, self.item = market, rng, item
        self.seller, self.buyer = seller[0], buyer[0]
        self.voice = Voice(rng, lang, item, seller[1], buyer[1])
        self.lang = lang
        self.id = market.next_id("c", 7)
        self.t = start
        self.last: str | None = None
        self.said: dict[str, int] = {"buyer": 0, "seller": 0}
        row = (self.id, self.buyer.id, self.seller.id, item.listing_id, iso(start))
        market.tables["conversations"].write(row)

    def compose(self, sender: str, *slots: str, sign: float = 0.35) -> str:
        """A message from ``sender`` made of a greeting, the slots' lines and a sign-off."""
        greet = 0.65 if self.said[sender] == 0 else 0.2
        if slots and slots[0] in ("again_b", "new_stock"):
            greet = 0.0  # these lines greet by themselves
        parts: list[str] = []
        if self.rng.random() < greet:
            parts.append(self.voice.line("hello_b" if sender == "buyer" else "hello_s"))
        elif len(slots) == 1 and self.rng.random() < 0.25:
            parts.append(self.voice.line("interject"))  # "Great! Ordered through the checkout."
        parts += [self.voice.line(s) for s in slots]
        if self.rng.random() < sign:
            parts.append(self.voice.line("thanks_b" if sender == "buyer" else "thanks_s"))
        return join(self.rng, parts, casual=sender == "buyer")

    def say(
        self,
        sender: str,
        body: str,
        planted: Iterable[Planted] = (),
        *,
        checkout: bool = False,
        courier: bool = False,
        gap: int | None = None,
    ) -> str:
        """Write one message and its labels; returns the message id."""
        self.advance(sender, gap)
        mid = self.market.next_id("m", 8)
        self.market.tables["messages"].write((mid, self.id, sender, iso(self.t), body))
        self.said[sender] += 1
        labels = self.market.labels
        planted = list(planted)
        if planted:
            findings: list[dict[str, str]] = []
            for p in planted:
                for kind, value in p.findings:
                    if kind == "phone":
                        check_phone(value)
                    entry = {"kind": kind, "value": canonical(kind, value)}
                    if entry not in findings:
                        findings.append(entry)
            styles = [s for p in planted for s in p.styles]
            labels.add(
                "message_findings",
                {
                    "message_id": mid,
                    "conversation_id": self.id,
                    "sender": sender,
                    "findings": findings,
                    "styles": styles,
                },
            )
        elif has_lookalike(body):
            labels.add("lookalike_message_ids", mid)
        if checkout:
            labels.add("checkout_message_ids", mid)
        if courier:
            labels.add(COURIER_MESSAGES, mid)
        return mid

    def advance(self, sender: str, gap: int | None = None) -> None:
        """Move the clock: quick follow-ups from the same side, hours or days for a reply."""
        if gap is not None:
            self.t += gap
        elif self.last is None:
            pass
        elif self.last == sender:
            self.t += self.rng.randint(40, 1_800)
        else:
            reply = self.rng.lognormvariate(math.log(3 * HOUR), 1.1)
            self.t += int(min(3 * DAY, max(120.0, reply)))
        self.last = sender

    def order(self, amount: float, status: str, *, conversation: bool = True) -> str:
        """Place an order for this thread's listing a few minutes from now."""
        self.t += self.rng.randint(60, 1_200)
        return place_order(
            self.market,
            self.buyer,
            self.seller,
            self.item,
            self.t,
            amount,
            status,
            self.id if conversation else None,
        )


def place_order(
    market: Market,
    buyer: Person,
    seller: Person,
    item: Item,
    at: int,
    amount: float,
    status: str,
    conversation_id: str | None,
) -> str:
    """Write one order row; returns its id."""
    oid = market.next_id("o", 7)
    row = (oid, buyer.id, seller.id, item.listing_id, conversation_id, float(amount))
    market.tables["orders"].write((*row, item.currency, iso(at), status))
    return oid


def join(rng: random.Random, parts: list[str], *, casual: bool) -> str:
    """Join message parts the way people type: a greeting on its own line, sometimes."""
    parts = [p for p in parts if p]
    if not parts:
        return "OK"
    if len(parts) > 1 and parts[0].endswith(",") and rng.random() < 0.85:
        text = parts[0] + "\n" + " ".join(parts[1:])
    else:
        text = " ".join(parts)
    if casual and rng.random() < 0.08:
        text = text[0].lower() + text[1:]
    if casual and rng.random() < 0.06 and text.endswith("."):
        text = text[:-1]
    return text
