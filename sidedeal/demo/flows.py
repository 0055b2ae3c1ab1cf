"""Honest buyer-seller relationships and the decoys among them.

Each flow writes one pair's conversations, messages and orders from a start time and returns
when the pair's story ends. The decoy flows are honest too, but resemble fraud to a careless
analysis: a loyal buyer with many orders, a tire-kicker who asks and never buys, a buyer whose
request for a phone number the seller turns down, a seller who gives a number for a viewing and
then sells through the checkout, a seller who passes on the courier's number.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import phonenumbers

from sidedeal.demo import contacts
from sidedeal.demo.market import AS_OF, Listings, Market, Thread, place_order
from sidedeal.demo.people import DAY, Person
from sidedeal.demo.plan import COURIER
from sidedeal.demo.texts import Party

# The last moment a thread may start: no thread runs longer than this, so none crosses AS_OF.
LAST_START = AS_OF - 60 * DAY
STATUS = {"completed": 86, "cancelled": 6, "refunded": 5, "disputed": 3}
LOYAL_STATUS = {"completed": 95, "cancelled": 3, "refunded": 2}
QUESTIONS = {
    "furniture": ("condition", "provenance", "dimensions", "age", "shipping", "photos", "price"),
    "clock": ("condition", "provenance", "dimensions", "age", "shipping", "price"),
    "silver": ("condition", "hallmarks", "dimensions", "provenance", "shipping", "photos", "price"),
    "painting": ("condition", "provenance", "dimensions", "certificate", "shipping", "photos"),
    "print": ("condition", "dimensions", "certificate", "shipping", "price"),
    "sculpture": ("condition", "provenance", "dimensions", "certificate", "shipping", "price"),
    "jewellery": ("condition", "hallmarks", "certificate", "dimensions", "shipping", "price"),
    "watch": ("condition", "certificate", "dimensions", "provenance", "shipping", "price"),
    "design": ("condition", "dimensions", "provenance", "shipping", "photos", "price"),
}


@dataclass
class Pair:
    """A buyer and a seller, the language they write in and the seller's stock."""

    market: Market
    rng: random.Random
    seller: Person
    buyer: Person
    lang: str
    listings: Listings
    courier: bool  # the seller ships with the hub courier

    def thread(self, start: int, item_at: int | None = None) -> Thread:
        """Open a conversation about one of the seller's listings."""
        item = self.listings.take(item_at or start)
        sp = Party(self.seller.first, self.seller.name, self.seller.country, self.seller.city)
        bp = Party(self.buyer.first, self.buyer.name, self.buyer.country, self.buyer.city)
        return Thread(
            self.market, self.rng, self.lang, item, (self.seller, sp), (self.buyer, bp), start
        )

    def pick(self, table: dict[str, int]) -> str:
        """A key of ``table`` drawn by weight."""
        return self.rng.choices(list(table), weights=list(table.values()))[0]

    def label(self, section: str, **fields: object) -> None:
        """Record a pair-level label."""
        entry = {"buyer_id": self.buyer.id, "seller_id": self.seller.id, **fields}
        self.market.labels.add(section, entry)


def answer_slot(topic: str) -> str:
    """The seller's slot answering a question about ``topic``."""
    return "counter" if topic == "price" else f"a_{topic}"


def ask_and_answer(th: Thread, p: Pair, opener: str = "open", rounds: int = 1) -> None:
    """The buyer opens with questions; the seller answers; more rounds follow."""
    topics = p.rng.sample(QUESTIONS[th.item.kind], k=min(rounds + 1, 4))
    first = topics[:2] if p.rng.random() < 0.45 else topics[:1]
    th.say("buyer", th.compose("buyer", opener, *(f"q_{t}" for t in first)))
    extra = ("smalltalk",) if p.rng.random() < 0.25 else ()
    th.say("seller", th.compose("seller", *(answer_slot(t) for t in first), *extra))
    for topic in topics[len(first) : rounds + 1]:
        th.say("buyer", th.compose("buyer", f"q_{topic}", sign=0.1))
        th.say("seller", th.compose("seller", answer_slot(topic), sign=0.2))


def negotiate(th: Thread, p: Pair) -> float:
    """Offer and counter-offer; returns the agreed price."""
    th.say("buyer", th.compose("buyer", "offer", sign=0.1))
    if p.rng.random() < 0.7:
        th.say("seller", th.compose("seller", "counter", sign=0.1))
        th.say("buyer", th.compose("buyer", "accept_b", sign=0.0))
        th.say("seller", th.compose("seller", "accept_s", sign=0.1), checkout=True)
    else:
        th.say("seller", th.compose("seller", "firm", sign=0.1))
        th.say("buyer", th.compose("buyer", "accept_b", sign=0.0))
    return th.voice.agreed_price()


def checkout_and_ship(th: Thread, p: Pair, price: float, status: str, courier: bool) -> str:
    """The buyer pays through the platform, the seller confirms and ships; returns the order id."""
    if p.rng.random() < 0.75:
        th.say("buyer", th.compose("buyer", "checkout", sign=0.2), checkout=True)
    oid = th.order(price, status)
    if status != "cancelled":
        p.listings.sold(th.item)
    if p.rng.random() < 0.7:
        slots = ("confirm_order", "invoice") if p.rng.random() < 0.3 else ("confirm_order",)
        th.say("seller", th.compose("seller", *slots))
    if status == "cancelled":
        return oid
    if courier and p.rng.random() < 0.3:
        number = phonenumbers.parse(COURIER["phone"])
        fmt = phonenumbers.PhoneNumberFormat
        style = fmt.NATIONAL if p.seller.country == "GB" else fmt.INTERNATIONAL
        th.voice.extra.update(
            courier=COURIER["name"], courier_phone=phonenumbers.format_number(number, style)
        )
        planted = contacts.Planted("", (("phone", COURIER["phone"]),), ("courier",))
        body = th.compose("seller", "courier", sign=0.3)
        th.say("seller", body, [planted], courier=True, gap=p.rng.randint(1, 3) * DAY)
    else:
        th.say("seller", th.compose("seller", "shipped"), gap=p.rng.randint(1, 4) * DAY)
    if p.rng.random() < 0.5:
        th.say("buyer", th.compose("buyer", "received"), gap=p.rng.randint(2, 7) * DAY)
    return oid


def purchase(
    p: Pair, start: int, opener: str = "open", status: str | None = None, courier: bool = True
) -> tuple[int, str]:
    """A conversation that ends in an order; returns (end time, order id)."""
    th = p.thread(start)
    ask_and_answer(th, p, opener, rounds=p.rng.choice((0, 1, 1, 2, 2)))
    price = negotiate(th, p) if p.rng.random() < 0.5 else th.item.price
    oid = checkout_and_ship(th, p, price, status or p.pick(STATUS), courier and p.courier)
    return th.t, oid


def inquiry(p: Pair, start: int, opener: str = "open", rounds: int | None = None) -> int:
    """Questions and answers, then the buyer thinks about it (or just goes quiet)."""
    th = p.thread(start)
    ask_and_answer(
        th, p, opener, rounds=p.rng.choice((1, 1, 2, 2, 3)) if rounds is None else rounds
    )
    r = p.rng.random()
    if r < 0.55:
        th.say("buyer", th.compose("buyer", "think", sign=0.2))
    elif r < 0.7:
        th.say("buyer", th.compose("buyer", "offer", sign=0.1))
        th.say("seller", th.compose("seller", p.rng.choice(("firm", "counter")), sign=0.1))
        th.say("buyer", th.compose("buyer", "think", sign=0.2))
    return th.t


def later(p: Pair, t: int, lo: int, hi: int) -> int:
    """A time ``lo``-``hi`` days after ``t``."""
    return t + p.rng.randint(lo, hi) * DAY + p.rng.randint(0, DAY)


def one_off(p: Pair, start: int) -> None:
    """An ordinary pair: an inquiry, a purchase, or an inquiry followed by a purchase."""
    r = p.rng.random()
    if r < 0.5:
        inquiry(p, start)
    elif r < 0.88:
        purchase(p, start)
    else:
        t = inquiry(p, start)
        if (nxt := later(p, t, 5, 90)) <= LAST_START:
            purchase(p, nxt, opener="again_b")


def loyal(p: Pair, start: int) -> None:
    """A loyal repeat buyer: many clean orders over months, some bought without a message."""
    t, orders = start, 0
    for n in range(p.rng.randint(4, 10)):
        if n and p.rng.random() < 0.25:
            item = p.listings.take(t)
            place_order(
                p.market, p.buyer, p.seller, item, t, item.price, p.pick(LOYAL_STATUS), None
            )
            p.listings.sold(item)
            end = t
        else:
            end, _ = purchase(p, t, "open" if n == 0 else "again_b", p.pick(LOYAL_STATUS), False)
        orders += 1
        t = later(p, end, 15, 45)
        if t > LAST_START:
            break
    p.label("loyal_pairs", orders=orders)


def tire_kicker(p: Pair, start: int) -> None:
    """Several detailed inquiries, never an order."""
    t, n = start, 0
    for _ in range(p.rng.randint(2, 4)):
        end = inquiry(p, t, "open", rounds=p.rng.randint(1, 3))
        n += 1
        t = later(p, end, 7, 60)
        if t > LAST_START:
            break
    p.label("tire_kicker_pairs", conversations=n)


def declined(p: Pair, start: int) -> None:
    """The buyer asks for a phone number; the seller refuses and sells through the checkout."""
    th = p.thread(start)
    ask_and_answer(th, p, rounds=p.rng.choice((0, 1)))
    ask = contacts.plant_cue(p.rng, th.lang, "solicit")
    mid = th.say("buyer", ask.text, [ask])
    th.say("seller", th.compose("seller", "refuse", sign=0.3), checkout=True)
    oid = checkout_and_ship(th, p, th.item.price, "completed", False)
    p.label("declined_pairs", solicit_message_id=mid, order_id=oid)


def contact_then_order(p: Pair, start: int) -> None:
    """The seller gives a number to arrange a viewing; the sale then goes through checkout."""
    th = p.thread(start)
    ask_and_answer(th, p, rounds=0)
    offer = contacts.viewing(p.rng, th.lang, p.seller.mobile)
    mid = th.say("seller", offer.text, [offer])
    th.say("buyer", contacts.plain_line(p.rng, th.lang, "after"))
    th.t += p.rng.randint(2, 12) * DAY  # the viewing happens off the record
    oid = checkout_and_ship(th, p, th.item.price, "completed", False)
    p.label("contact_then_order_pairs", contact_message_ids=[mid], order_id=oid)
