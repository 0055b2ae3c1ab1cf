"""Sellers and buyers, derived on demand from (seed, index) instead of being kept in memory.

A person's profile is a pure function of the seed, their index and the :class:`Plan`'s
overrides (a multi-account seller carries the operator's phone, a buyer account may carry a
seller's email). Deriving a buyer again costs a few microseconds, which is what lets the
generator stream a million conversations without a table of a hundred thousand buyers.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import phonenumbers

from sidedeal.demo import identities as ids
from sidedeal.demo.catalogue import catalogue, country, person_name, shop_name, weighted

if TYPE_CHECKING:
    from sidedeal.demo.plan import Plan

DAY = 86_400
EPOCH_2018 = 1_514_764_800  # 2018-01-01T00:00:00Z


@dataclass(frozen=True)
class Person:
    """One account as the generator sees it (ids, names, where they live, what they can share)."""

    index: int
    id: str
    role: str  # "seller" or "buyer"
    first: str
    last: str
    name: str  # trading name for sellers, full name for buyers
    country: str
    lang: str
    city: str
    created: int  # epoch seconds
    phone: str | None  # E.164, the profile's phone
    phone_shown: str | None  # the profile's phone as written in the file
    email: str  # lower case
    email_shown: str
    mobile: str  # E.164: the number they give out in messages
    private_email: str
    handle: str
    website: str | None  # domain
    payout: str | None  # sellers: compact IBAN, or an ABA string for US sellers
    private_iban: str | None  # sellers outside the US: another account, given out in messages
    contacts: tuple[tuple[str, str, int], ...] = field(default=())  # (kind, value, observed_at)


def seller_id(index: int) -> str:
    """The stable id of seller ``index``."""
    return f"s{index:06d}"


def buyer_id(index: int) -> str:
    """The stable id of buyer ``index``."""
    return f"b{index:06d}"


def show_phone(rng: random.Random, e164: str, account_country: str) -> str:
    """A phone as a person types it into a profile: national only for a home number."""
    number = phonenumbers.parse(e164)
    styles = [phonenumbers.PhoneNumberFormat.E164, phonenumbers.PhoneNumberFormat.INTERNATIONAL]
    if phonenumbers.region_code_for_number(number) == account_country:
        styles.append(phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, rng.choice(styles))


_HOME_STYLES = (
    phonenumbers.PhoneNumberFormat.E164,
    phonenumbers.PhoneNumberFormat.INTERNATIONAL,
    phonenumbers.PhoneNumberFormat.NATIONAL,
)


def _show_home(rng: random.Random, e164: str, full: bool) -> str | None:
    # Same draw as show_phone for a home number, so light and full profiles stay in step; the
    # formatting (a parse, the costly part) is only done when the profile is written out.
    style = _HOME_STYLES[rng.randrange(3)]
    return phonenumbers.format_number(phonenumbers.parse(e164), style) if full else None


def _email(rng: random.Random, first: str, last: str, tag: str, domain: str) -> str:
    f, s = ids.ascii_slug(first), ids.ascii_slug(last)
    local = rng.choice((f"{f}.{s}{tag}", f"{f[0]}{s}{tag}", f"{s}.{f}{tag}", f"{f}_{s}.{tag}"))
    return f"{local}@{domain}"


def _shown_email(rng: random.Random, email: str) -> str:
    # Some people type their address with capitals; ingest lower-cases it.
    if rng.random() < 0.12:
        local, domain = email.split("@")
        return f"{local.capitalize()}@{domain}"
    return email


def _lang(rng: random.Random, code: str) -> str:
    langs = country(code).langs
    return langs[0] if len(langs) == 1 or rng.random() < 0.6 else rng.choice(langs[1:])


def base_seller(plan: Plan, i: int) -> Person:
    """Seller ``i`` before the plan's sharing overrides: its own, unique identifiers."""
    rng = random.Random(f"{plan.seed}:seller:{i}")
    code = plan.country_override.get(i) or weighted(rng, catalogue().seller_countries)
    c = country(code)
    first, last = person_name(rng, code)
    shop = shop_name(rng, code, last)
    tag = ids.number_tag(ids.serial("seller", i, ids.SLOT_PROFILE), plan.tag_space, plan.salt)
    ptag = ids.number_tag(ids.serial("seller", i, ids.SLOT_PRIVATE), plan.tag_space, plan.salt)
    website = f"{ids.ascii_slug(shop, '-')}-{tag}.{c.tld}" if rng.random() < 0.5 else None
    if website:
        email = f"{rng.choice(('info', 'contact', 'sales', ids.ascii_slug(first)))}@{website}"
    else:
        email = _email(rng, first, last, tag, rng.choice(c.mail))
    mobile = ids.mobile(code, ids.serial("seller", i, ids.SLOT_PRIVATE), plan.salt)
    phone: str | None = None
    if rng.random() < 0.8:
        own_line = ids.mobile(code, ids.serial("seller", i, ids.SLOT_PROFILE), plan.salt)
        phone = mobile if rng.random() < 0.6 else own_line
    payout_serial = ids.serial("seller", i, ids.SLOT_PROFILE)
    if code == "US":
        payout = ids.us_payout(payout_serial, plan.salt)
    else:
        payout = ids.iban(code, payout_serial, plan.salt)
    # Dealers were on the marketplace for a while before our window; older accounts are commoner.
    created = EPOCH_2018 + int(min(rng.random(), rng.random()) * 2_500 * DAY)
    contacts: list[tuple[str, str, int]] = [("payout", payout, created + rng.randint(1, 30) * DAY)]
    if rng.random() < 0.25:
        spare = ids.mobile(code, ids.serial("seller", i, ids.SLOT_SPARE), plan.salt)
        contacts.append(
            ("phone", show_phone(rng, spare, code), created + rng.randint(1, 400) * DAY)
        )
    return Person(
        index=i,
        id=seller_id(i),
        role="seller",
        first=first,
        last=last,
        name=shop,
        country=code,
        lang=_lang(rng, code),
        city=rng.choice(c.cities),
        created=created,
        phone=phone,
        phone_shown=show_phone(rng, phone, code) if phone else None,
        email=email,
        email_shown=_shown_email(rng, email),
        mobile=mobile,
        private_email=_email(rng, first, last, ptag, "gmail.com"),
        handle=f"{ids.ascii_slug(shop, '_')[:20]}_{tag}",
        website=website,
        payout=payout,
        private_iban=None
        if code == "US"
        else ids.iban(code, ids.serial("seller", i, ids.SLOT_SPARE), plan.salt),
        contacts=tuple(contacts),
    )


def base_buyer(plan: Plan, j: int, full: bool = True) -> Person:
    """Buyer ``j`` before the plan's overrides.

    A *light* profile (``full=False``) skips what only the buyers file needs (formatted phones,
    the contacts rows, validity checks): conversations re-derive a buyer for every pair, and
    those steps were most of the generator's time. Every random draw is the same either way.
    """
    rng = random.Random(f"{plan.seed}:buyer:{j}")
    code = plan.buyer_country_override.get(j) or weighted(rng, catalogue().buyer_countries)
    c = country(code)
    first, last = person_name(rng, code)
    tag = ids.number_tag(ids.serial("buyer", j, ids.SLOT_PROFILE), plan.tag_space, plan.salt)
    ptag = ids.number_tag(ids.serial("buyer", j, ids.SLOT_PRIVATE), plan.tag_space, plan.salt)
    email = _email(rng, first, last, tag, rng.choice(c.mail))
    phone: str | None = None
    if rng.random() < 0.45:
        phone = ids.mobile(code, ids.serial("buyer", j, ids.SLOT_PROFILE), plan.salt, check=full)
    private = ids.serial("buyer", j, ids.SLOT_PRIVATE)
    mobile = phone or ids.mobile(code, private, plan.salt, check=full)
    created = EPOCH_2018 + int(rng.random() * 2_690 * DAY)
    contacts: list[tuple[str, str, int]] = []
    if rng.random() < 0.15:
        spare = ids.mobile(code, ids.serial("buyer", j, ids.SLOT_SPARE), plan.salt, check=full)
        shown = _show_home(rng, spare, full)
        when = created + rng.randint(1, 300) * DAY
        if shown:
            contacts.append(("phone", shown, when))
    lang = _lang(rng, code)
    city = rng.choice(c.cities)
    phone_shown = _show_home(rng, phone, full) if phone else None
    return Person(
        index=j,
        id=buyer_id(j),
        role="buyer",
        first=first,
        last=last,
        name=f"{first} {last}",
        country=code,
        lang=lang,
        city=city,
        created=created,
        phone=phone,
        phone_shown=phone_shown,
        email=email,
        email_shown=_shown_email(rng, email),
        mobile=mobile,
        private_email=_email(rng, first, last, ptag, "gmail.com"),
        handle=f"{ids.ascii_slug(first)}.{ids.ascii_slug(last)}.{ptag}",
        website=None,
        payout=None,
        private_iban=None,
        contacts=tuple(contacts),
    )
