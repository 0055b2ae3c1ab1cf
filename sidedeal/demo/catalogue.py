"""The marketplace's cast: countries, people's names, shop names and the goods they sell.

The vocabulary lives in ``catalogue.toml`` beside this module, so that adding a country or a
kind of watch is a data change; this module turns it into typed values and offers small pure
functions that draw a name, a shop or a listing from a seeded ``random.Random``. Listing titles
are composed from parts (period, material, object, origin, date) so a few thousand listings
rarely repeat.
"""

from __future__ import annotations

import random
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any


@dataclass(frozen=True)
class Country:
    """A country the marketplace trades with: its languages, money, towns and mail providers."""

    code: str
    langs: tuple[str, ...]  # the first is the most common
    currency: str
    firsts: tuple[str, ...]
    lasts: tuple[str, ...]
    tld: str
    cities: tuple[str, ...]
    mail: tuple[str, ...]


@dataclass(frozen=True)
class Item:
    """A listing and what its messages can talk about."""

    listing_id: str
    category: str
    title: str
    noun: str  # English noun, for "the {noun}" in English messages
    kind: str  # furniture, clock, silver, painting, print, sculpture, jewellery, watch, design
    price: float
    currency: str
    year_lo: int
    year_hi: int


@dataclass(frozen=True)
class Catalogue:
    """The parsed ``catalogue.toml``."""

    countries: dict[str, Country]
    seller_countries: dict[str, int]
    buyer_countries: dict[str, int]
    categories: dict[str, int]
    median_price: dict[str, float]
    fx_from_gbp: dict[str, float]
    shops: dict[str, tuple[str, ...]]
    goods: dict[str, Any]


@cache
def catalogue() -> Catalogue:
    """Load the vocabulary once per process."""
    raw = tomllib.loads(resources.files(__package__).joinpath("catalogue.toml").read_text("utf-8"))
    countries = {
        code: Country(
            code=code,
            langs=tuple(c["langs"]),
            currency=c["currency"],
            firsts=tuple(raw["names"][c["names"]]["first"]),
            lasts=tuple(raw["names"][c["names"]]["last"]),
            tld=c["tld"],
            cities=tuple(c["cities"]),
            mail=tuple(c["mail"]),
        )
        for code, c in raw["countries"].items()
    }
    return Catalogue(
        countries=countries,
        seller_countries=dict(raw["seller_countries"]),
        buyer_countries=dict(raw["buyer_countries"]),
        categories=dict(raw["categories"]),
        median_price=dict(raw["median_price"]),
        fx_from_gbp=dict(raw["fx_from_gbp"]),
        shops={lang: tuple(v) for lang, v in raw["shops"].items()},
        goods=dict(raw["goods"]),
    )


def country(code: str) -> Country:
    """The country with ISO alpha-2 ``code``."""
    return catalogue().countries[code]


def weighted(rng: random.Random, table: dict[str, int]) -> str:
    """One key of ``table``, drawn with the integer weights as relative frequencies."""
    return rng.choices(list(table), weights=list(table.values()))[0]


def person_name(rng: random.Random, code: str) -> tuple[str, str]:
    """A (first, last) name typical of the country."""
    c = country(code)
    return rng.choice(c.firsts), rng.choice(c.lasts)


def shop_name(rng: random.Random, code: str, last: str) -> str:
    """A dealer's trading name in the dealer's main language."""
    c = country(code)
    styles = catalogue().shops.get(c.langs[0], catalogue().shops["en"])
    return rng.choice(styles).format(
        last=last, last2=rng.choice(c.lasts), city=rng.choice(c.cities)
    )


def nice_price(value: float) -> float:
    """Round a price the way dealers do (4,250 rather than 4,237.19)."""
    step = 10 if value < 1000 else 50 if value < 10000 else 250
    return float(max(step, round(value / step) * step))


def make_item(rng: random.Random, listing_id: str, category: str, currency: str) -> Item:
    """Compose a listing of ``category`` with a realistic title, price and date range."""
    g = catalogue().goods
    if category == "antiques":
        period, p_lo, p_hi = rng.choice(g["periods"])
        lo = rng.randint(p_lo, max(p_lo, p_hi - 10))
        hi = min(p_hi, lo + rng.choice((10, 20, 20, 30)))
        if rng.random() < 0.2:
            noun, kind = rng.choice(g["silver"]), "silver"
            title = f"{period} silver {noun}, {rng.choice(g['origins'])}, circa {lo}-{hi}"
        else:
            noun = rng.choice(g["furniture"])
            kind = "clock" if noun.endswith("clock") else "furniture"
            wood = rng.choice(g["woods"])
            title = f"{period} {wood} {noun}, {rng.choice(g['origins'])}, circa {lo}-{hi}"
    elif category == "art":
        medium, noun = rng.choice(g["art_media"])
        kind = {"bronze": "sculpture", "bust": "sculpture", "etching": "print"}.get(
            noun, "painting"
        )
        kind = "print" if noun == "lithograph" else kind
        lo = rng.randint(1780, 1960)
        hi = lo + 10
        subject, school = rng.choice(g["art_subjects"]), rng.choice(g["art_schools"])
        title = f"{medium}, {subject}, {school}, {lo // 100 + 1}th century"
    elif category == "jewellery":
        style = rng.choice(g["jewel_styles"])
        noun, kind = rng.choice(g["jewel_objects"]), "jewellery"
        lo = {"Georgian": 1790, "Victorian": 1860, "Edwardian": 1905, "Belle Époque": 1895}.get(
            style, 1930
        )
        hi = lo + 15
        metal, stone = rng.choice(g["jewel_metals"]), rng.choice(g["jewel_stones"])
        title = f"{style} {metal} and {stone} {noun}"
    elif category == "watches":
        brand, model, ref, w_lo, w_hi = rng.choice(g["watches"])
        lo = hi = rng.randint(w_lo, w_hi)
        noun, kind = ("watch" if rng.random() < 0.6 else model), "watch"
        title = f"{brand} {model} ref. {ref}, {lo}, {rng.choice(g['watch_sets'])}"
    else:
        designer, piece, noun = rng.choice(g["design"])
        kind = "design"
        lo = rng.choice((1950, 1955, 1960, 1965, 1970, 1975))
        hi = lo + 5
        title = f"{designer}, {piece}, {lo}s"
    cat = catalogue()
    gbp = cat.median_price[category] * rng.lognormvariate(0.0, 0.75)
    price = nice_price(gbp * cat.fx_from_gbp.get(currency, 1.0))
    return Item(listing_id, category, title, noun, kind, price, currency, lo, hi)
