"""Who is in on it: the plan of planted schemes and decoy hubs, drawn once per run.

The plan is the only state that spans sellers: which sellers are fraudulent, which seller
accounts one operator runs, which sellers share a payout account, which buyer accounts carry a
seller's own phone or email, and which sellers list the courier, the packing firm or the shared
antiques-centre address. Its size is a few percent of the number of sellers (a few thousand
small records at scale 100), not of the conversations. :func:`seller` and :func:`buyer` apply
the plan to the base profiles of ``people``.
"""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass, field
from typing import Any

from sidedeal.demo import identities as ids
from sidedeal.demo.people import DAY, Person, base_buyer, base_seller, show_phone

# Decoy hubs: identifiers that many honest accounts list. The courier number is in Ofcom's
# range reserved for drama (020 7946 0xxx), so it can never reach a real business.
COURIER = {
    "name": "Calloway & Finch Fine Art Shipping",
    "phone": "+442079460321",
    "email": "packing@boxwell-crating.co.uk",
    "email_owner": "Boxwell Crating & Packing",
}
CENTRE_ADDRESS = "Mill Lane Antiques Centre, 12 Mill Lane, Marlow SL7 1AA, United Kingdom"


@dataclass
class MultiGroup:
    """Seller accounts run by one operator, and the identifiers they have in common."""

    members: tuple[int, ...]
    shared: dict[str, str]  # kind (phone, email, payout) -> normalised value
    source: dict[tuple[int, str], str] = field(default_factory=dict)  # (member, kind) -> where


@dataclass
class Alias:
    """A buyer account carrying a seller's own phone or email."""

    seller: int
    kind: str
    value: str
    source: str  # profile or contacts


@dataclass
class Plan:
    """Sizes, salts and the planted schemes of one run."""

    seed: int
    scale: float
    n_sellers: int
    n_buyers: int
    salt: int
    tag_space: int
    fraud: frozenset[int] = frozenset()
    country_override: dict[int, str] = field(default_factory=dict)
    buyer_country_override: dict[int, str] = field(default_factory=dict)
    multi: list[MultiGroup] = field(default_factory=list)
    multi_of: dict[int, MultiGroup] = field(default_factory=dict)
    payout_groups: list[tuple[tuple[int, ...], str]] = field(default_factory=list)
    payout_of: dict[int, str] = field(default_factory=dict)
    aliases: dict[int, Alias] = field(default_factory=dict)
    forced: dict[int, list[int]] = field(default_factory=dict)  # seller -> buyers to pair with
    courier_sellers: frozenset[int] = frozenset()
    packer_sellers: frozenset[int] = frozenset()
    centre_sellers: frozenset[int] = frozenset()


def _groups(rng: random.Random, pool: list[int], count: int) -> list[tuple[int, ...]]:
    out: list[tuple[int, ...]] = []
    for _ in range(count):
        size = 2 if rng.random() < 0.7 else 3
        if len(pool) < size:
            break
        out.append(tuple(sorted(pool.pop() for _ in range(size))))
    return out


def make_plan(seed: int, scale: float) -> Plan:
    """Draw the plan for ``seed`` and ``scale`` (sizes grow linearly with scale)."""
    rng = random.Random(f"{seed}:plan")
    n_sellers = max(12, round(350 * scale))
    n_buyers = max(150, round(6000 * scale))
    serial_max = ids.serial("buyer", max(n_sellers, n_buyers), ids.SLOT_GROUP)
    plan = Plan(seed, scale, n_sellers, n_buyers, rng.randrange(10**9), 10 ** len(str(serial_max)))
    fraud = rng.sample(range(n_sellers), max(6, round(0.1 * n_sellers)))
    plan.fraud = frozenset(fraud)
    pool = list(fraud)
    for members in _groups(rng, pool, max(1, round(0.012 * n_sellers))):
        primary = base_seller(plan, members[0])
        for m in members[1:]:
            plan.country_override[m] = primary.country  # so national phone formats still parse
        kinds = [k for k in ("phone", "email", "payout") if rng.random() < 0.6] or ["phone"]
        shared: dict[str, str] = {}
        gserial = ids.serial("seller", members[0], ids.SLOT_GROUP)
        if "phone" in kinds:
            shared["phone"] = ids.mobile(primary.country, gserial, plan.salt)
        if "email" in kinds:
            shared["email"] = primary.private_email
        if "payout" in kinds:
            shared["payout"] = ids.iban(primary.country, gserial, plan.salt)
        group = MultiGroup(members, shared)
        for m in members:
            for kind in shared:
                group.source[(m, kind)] = (
                    "contacts" if kind == "payout" or rng.random() < 0.4 else "profile"
                )
            plan.multi_of[m] = group
        plan.multi.append(group)
        if "payout" in shared:
            plan.payout_groups.append((members, shared["payout"]))
    for members in _groups(rng, pool, max(1, round(0.006 * n_sellers))):
        first = base_seller(plan, members[0])
        value = ids.iban(first.country, ids.serial("seller", members[0], ids.SLOT_GROUP), plan.salt)
        plan.payout_groups.append((members, value))
        for m in members:
            plan.payout_of[m] = value
    plan.payout_groups.sort()
    honest = [i for i in range(n_sellers) if i not in plan.fraud]
    plan.courier_sellers = frozenset(
        rng.sample(range(n_sellers), min(n_sellers, max(6, round(0.12 * n_sellers))))
    )
    plan.packer_sellers = frozenset(
        rng.sample(range(n_sellers), min(n_sellers, max(5, round(0.08 * n_sellers))))
    )
    plan.centre_sellers = frozenset(
        rng.sample(honest, min(len(honest), max(3, round(0.015 * n_sellers))))
    )
    for i in plan.centre_sellers:
        plan.country_override[i] = "GB"
    _plan_aliases(rng, plan, fraud)
    return plan


def _plan_aliases(rng: random.Random, plan: Plan, fraud: list[int]) -> None:
    count = max(2, round(0.012 * plan.n_sellers))
    for j in rng.sample(range(plan.n_buyers), count):
        s = rng.choice(fraud)
        owner = seller(plan, s)
        kind, value = (
            ("phone", owner.phone) if owner.phone and rng.random() < 0.6 else ("email", owner.email)
        )
        assert value is not None
        plan.aliases[j] = Alias(s, kind, value, "profile" if rng.random() < 0.6 else "contacts")
        plan.buyer_country_override[j] = owner.country
        if rng.random() < 0.5:
            plan.forced.setdefault(s, []).append(j)


def seller(plan: Plan, i: int) -> Person:
    """Seller ``i`` with the plan applied (shared identifiers, hubs)."""
    p = base_seller(plan, i)
    rng = random.Random(f"{plan.seed}:seller:{i}:plan")
    when = p.created + rng.randint(5, 300) * DAY
    changes: dict[str, Any] = {}
    contacts = list(p.contacts)
    payout = p.payout
    group = plan.multi_of.get(i)
    if group is not None:
        for kind, value in group.shared.items():
            in_profile = group.source[(i, kind)] == "profile"
            if kind == "phone":
                changes["mobile"] = value
                if in_profile:
                    changes["phone"], changes["phone_shown"] = (
                        value,
                        show_phone(rng, value, p.country),
                    )
                else:
                    contacts.append(("phone", show_phone(rng, value, p.country), when))
            elif kind == "email":
                changes["private_email"] = value
                if in_profile:
                    changes["email"] = changes["email_shown"] = value
                else:
                    contacts.append(("email", value, when))
            else:
                payout = value
    payout = plan.payout_of.get(i, payout)
    changes["payout"] = payout
    contacts = [(k, payout if k == "payout" and payout else v, t) for k, v, t in contacts]
    if i in plan.courier_sellers:
        contacts.append(("phone", show_phone(rng, COURIER["phone"], p.country), when))
    if i in plan.packer_sellers:
        contacts.append(("email", COURIER["email"], when + DAY))
    if i in plan.centre_sellers:
        contacts.append(("address", CENTRE_ADDRESS, when))
    return dataclasses.replace(p, contacts=tuple(contacts), **changes)


def buyer(plan: Plan, j: int, full: bool = True) -> Person:
    """Buyer ``j`` with the plan applied (a seller's identifier on an alias account); ``full``
    as in :func:`~sidedeal.demo.people.base_buyer`."""
    p = base_buyer(plan, j, full)
    alias = plan.aliases.get(j)
    if alias is None:
        return p
    rng = random.Random(f"{plan.seed}:buyer:{j}:plan")
    when = p.created + rng.randint(1, 200) * DAY
    shown = show_phone(rng, alias.value, p.country) if alias.kind == "phone" else alias.value
    if alias.source == "contacts":
        return dataclasses.replace(p, contacts=(*p.contacts, (alias.kind, shown, when)))
    if alias.kind == "phone":
        return dataclasses.replace(p, phone=alias.value, phone_shown=shown, mobile=alias.value)
    return dataclasses.replace(p, email=alias.value, email_shown=shown)
