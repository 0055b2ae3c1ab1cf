"""Luxury-trade message text, composed from fragments so that bodies rarely repeat.

Fragments live in ``texts_<lang>.toml`` (English, French, Italian, German, Spanish, Dutch), one
list of templates per *slot* (a question about condition, an answer about provenance, a
shipping confirmation...). :class:`Voice` fills them for one conversation, drawing numbers that
only look like phones from ``lookalikes``.
"""

from __future__ import annotations

import random
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from sidedeal.demo import lookalikes
from sidedeal.demo.catalogue import Item, make_item

LANGS = ("en", "fr", "it", "de", "es", "nl")
KIND_WORDS = {
    "furniture": "antique furniture",
    "clock": "antique clocks",
    "silver": "antique silver",
    "painting": "paintings",
    "print": "prints",
    "sculpture": "sculpture",
    "jewellery": "jewellery",
    "watch": "vintage watches",
    "design": "mid-century design",
}


@cache
def fragments(lang: str) -> dict[str, list[str]]:
    """The slot templates of one language."""
    raw = resources.files(__package__).joinpath(f"texts_{lang}.toml").read_text("utf-8")
    return {k: list(v) for k, v in tomllib.loads(raw).items()}


@dataclass
class Party:
    """What a conversation needs to know about one side."""

    first: str
    shop: str
    country: str
    city: str


class Voice:
    """Fills templates for one conversation: its language, its listing and its two parties.

    Values are drawn lazily and then kept, so a conversation quotes the same dimensions, price
    and counter-offer throughout, as a real one would.
    """

    def __init__(self, rng: random.Random, lang: str, item: Item, seller: Party, buyer: Party):
        self.rng, self.lang, self.item = rng, lang, item
        self.seller, self.buyer = seller, buyer
        self.values: dict[str, str] = {}
        self.extra: dict[str, str] = {}

    def line(self, slot: str) -> str:
        """One filled template of ``slot``: the item kind's or category's own variant first."""
        table = fragments(self.lang)
        own = table.get(f"{slot}_{self.item.kind}") or table.get(f"{slot}_{self.item.category}")
        options = own or table.get(slot) or [""]
        if own and slot in table and self.rng.random() < 0.2:
            options = table[slot]  # now and then the generic line, for variety
        template = self.rng.choice(options)
        return template.format_map(_Lazy(self))

    def value(self, key: str) -> str:
        """The conversation's value for a template field, drawn the first time it is asked."""
        if key in self.extra:
            return self.extra[key]
        if key not in self.values:
            self.values[key] = self._draw(key)
        return self.values[key]

    def agreed_price(self) -> float:
        """The price the buyer ends up paying: the counter-offer when there was one."""
        return self._counter if "counter" in self.values else self.item.price

    def _draw(self, key: str) -> str:
        r, it, lang = self.rng, self.item, self.lang
        simple: dict[str, str] = {
            "seller": self.seller.first,
            "buyer": self.buyer.first,
            "shop": self.seller.shop,
            "item": it.noun,
            "title": it.title,
            "category": KIND_WORDS[it.kind],
            "city": self.buyer.city,
            "scity": self.seller.city,
        }
        if key in simple:
            return simple[key]
        if key in ("offer", "counter", "price", "ship"):
            return lookalikes.money(self._amount(key), it.currency, lang, r)
        draw = lookalikes.DRAWS.get(key)
        if draw is not None:
            return draw(r, it, lang)
        if key == "dims":
            return lookalikes.dims(r, it, lang)
        if key == "tracking":
            return lookalikes.tracking(r)
        if key == "vat":
            fmt = lookalikes.VAT.get(self.seller.country, lookalikes.VAT["GB"])
            return fmt.format(a=r.randint(100, 999), b=r.randint(1000, 9999), c=r.randint(10, 99))
        if key == "item2":
            return make_item(r, "", it.category, it.currency).noun
        return ""

    def _amount(self, key: str) -> float:
        r, price = self.rng, self.item.price
        if key == "offer":
            self._offer = float(max(50, round(price * r.uniform(0.7, 0.9) / 50) * 50))
            return self._offer
        if key == "counter":
            offer = getattr(self, "_offer", price * 0.8)
            self._counter = float(max(50, round((offer + price) / 2 / 50) * 50))
            return self._counter
        if key == "ship":
            base = {"antiques": 380, "design": 260, "art": 180}.get(self.item.category, 45)
            return float(round(base * r.uniform(0.5, 2.2) / 5) * 5)
        return price


class _Lazy(dict[str, str]):
    """A mapping for ``str.format_map`` that draws each field on first use."""

    def __init__(self, voice: Voice) -> None:
        super().__init__()
        self.voice = voice

    def __missing__(self, key: str) -> str:
        return self.voice.value(key)
