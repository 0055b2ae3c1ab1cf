"""Planted off-platform behaviour: the exchange of contact details and what follows it.

Two pair patterns are planted and labelled in ``off_platform_pairs``:

- ``contact_then_silence``: in a conversation one side shares a phone, email, handle, website
  or bank details, or proposes paying outside ("I can invoice you directly"), and the pair never
  orders on the platform, before or after.
- ``repeat_moved_off``: two or more on-platform orders over months, then an exchange ("since
  you're a regular, let's skip the platform"), then no order again, though the pair may still
  exchange a clean message or two.

An exchange is one of several scripts (the seller offers a contact, the buyer asks and the seller
answers, the buyer offers theirs, a payment cue with no contact, bank details, PayPal friends and
family), rendered in the conversation's language with the obfuscations of ``contacts``.
"""

from __future__ import annotations

from sidedeal.demo import contacts
from sidedeal.demo.contacts import Planted
from sidedeal.demo.flows import LAST_START, Pair, ask_and_answer, inquiry, later, purchase
from sidedeal.demo.market import Thread, iso, join
from sidedeal.demo.people import DAY, Person

SCRIPTS = {
    "seller_offers": 35,
    "buyer_asks": 20,
    "buyer_offers": 15,
    "cue_only": 12,
    "bank_details": 10,
    "paypal": 8,
}
CONTACT_KINDS = ("phone", "email", "handle", "url")
Exchanged = tuple[str, str, int, Planted]  # message id, sender, sent at, what was planted


def channel(p: Pair, who: Person, other: Person) -> Planted:
    """One of ``who``'s contact details, rendered the way people slip them into a message."""
    lang, rng = p.lang, p.rng
    weights = {"phone": 30, "whatsapp": 22, "email": 22, "telegram": 4, "signal": 3}
    weights["instagram"] = 9 if who.role == "seller" else 2
    weights["wechat"] = 10 if "HK" in (who.country, other.country) else 1
    if who.website:
        weights["website"] = 8
    kind = rng.choices(list(weights), weights=list(weights.values()))[0]
    if kind in ("phone", "whatsapp", "signal"):
        return contacts.plant_phone(rng, lang, who.mobile, kind)
    if kind == "email":
        address = who.private_email if rng.random() < 0.6 else who.email
        return contacts.plant_email(rng, lang, address)
    if kind == "website" and who.website:
        return contacts.plant_website(rng, lang, who.website)
    return contacts.plant_handle(rng, lang, kind, who.handle)


def _message(p: Pair, parts: list[Planted], lead: bool = True) -> str:
    # People run sentences together; a full stop between them is the most they add.
    texts = [
        x.text if x.text[-1:] in ".!?:)" or i == len(parts) - 1 else x.text + "."
        for i, x in enumerate(parts)
    ]
    if lead and p.rng.random() < 0.5:
        texts.insert(0, contacts.plain_line(p.rng, p.lang, "lead"))
    return join(p.rng, texts, casual=False)


def exchange(th: Thread, p: Pair, regular: bool = False) -> list[Exchanged]:
    """Play one exchange script in ``th``; returns what was planted, message by message."""
    rng, lang, seller, buyer = p.rng, p.lang, p.seller, p.buyer
    script = p.pick(SCRIPTS)
    if script == "bank_details" and not seller.private_iban:
        script = "cue_only"  # US sellers have no IBAN; they get Zelle or Venmo cues instead
    out: list[Exchanged] = []

    def say(sender: str, parts: list[Planted], lead: bool = True) -> None:
        merged = Planted(
            "",
            tuple(f for x in parts for f in x.findings),
            tuple(s for x in parts for s in x.styles),
        )
        mid = th.say(sender, _message(p, parts, lead), parts)
        out.append((mid, sender, th.t, merged))

    def cue(who: Person, chance: float) -> list[Planted]:
        return [contacts.plant_cue(rng, lang, "cue", who.country)] if rng.random() < chance else []

    opener = [contacts.plant_cue(rng, lang, "regular")] if regular else []
    if script == "seller_offers":
        say("seller", [*opener, channel(p, seller, buyer), *cue(seller, 0.5)])
    elif script == "buyer_asks":
        say("buyer", [*opener, contacts.plant_cue(rng, lang, "solicit")], lead=False)
        say("seller", [channel(p, seller, buyer), *cue(seller, 0.4)])
    elif script == "buyer_offers":
        say("buyer", [*opener, channel(p, buyer, seller), *cue(buyer, 0.3)])
        if rng.random() < 0.3:
            say("seller", [channel(p, seller, buyer)], lead=False)
    elif script == "cue_only":
        say("seller", [*opener, *cue(seller, 1.0), *cue(seller, 0.3)])
    elif script == "bank_details":
        iban = seller.payout if seller.payout and rng.random() < 0.5 else seller.private_iban
        assert iban is not None
        say("seller", [*opener, *cue(seller, 1.0)])
        say("seller", [contacts.plant_iban(rng, lang, iban)], lead=False)
    else:
        say("seller", [*opener, contacts.plant_paypal(rng, lang, seller.private_email)])
    for _ in range(rng.choice((0, 1, 1, 2))):
        sender = "buyer" if th.last == "seller" else "seller"
        th.say(sender, contacts.plain_line(rng, lang, "after"))
    return out


def _shares(planted: Planted) -> bool:
    return any(k in CONTACT_KINDS or v.startswith("iban:") for k, v in planted.findings)


def _label(p: Pair, pattern: str, th: Thread, planted: list[Exchanged], orders: int) -> None:
    p.label(
        "off_platform_pairs",
        pattern=pattern,
        conversation_id=th.id,
        contact_message_ids=[mid for mid, _, _, _ in planted],
        exchanged_at=iso(planted[0][2]),
        shared_by=sorted({sender for _, sender, _, x in planted if _shares(x)}),
        kinds=sorted({kind for _, _, _, x in planted for kind, _ in x.findings}),
        orders_before=orders,
    )


def contact_then_silence(p: Pair, start: int) -> None:
    """Maybe a clean inquiry first; then an exchange, a word or two, and silence."""
    t = start
    if p.rng.random() < 0.2:
        end = inquiry(p, t)
        t = max(end + 3_600, min(later(p, end, 3, 40), LAST_START))
    th = p.thread(t)
    ask_and_answer(th, p, rounds=p.rng.choice((0, 1)))
    if p.rng.random() < 0.35:
        th.say("buyer", th.compose("buyer", "offer", sign=0.0))
    _label(p, "contact_then_silence", th, exchange(th, p), 0)


def repeat_moved_off(p: Pair, start: int, gap: int) -> bool:
    """Orders every ``gap``-ish days, an exchange, then only clean small talk, no orders.

    Returns False, having written nothing, when fewer than two orders and the exchange fit
    before the export's cut-off (the caller then plants a simpler pattern).
    """
    # Each order's thread may outrun the gap a little; keep a month in hand for the exchange.
    k = p.rng.randint(2, 5)
    while k >= 2 and start + k * (gap + 5 * DAY) + 30 * DAY > LAST_START:
        k -= 1
    if k < 2:
        return False
    t = start
    for n in range(k):
        end, _ = purchase(p, t, "open" if n == 0 else "again_b", "completed", courier=False)
        t = max(end + 2 * DAY, t + gap + p.rng.randint(-5, 5) * DAY)
    th = p.thread(t)
    th.say("buyer", th.compose("buyer", "again_b"))
    if p.rng.random() < 0.5:
        th.say("seller", th.compose("seller", "a_condition", sign=0.0))
    _label(p, "repeat_moved_off", th, exchange(th, p, regular=True), k)
    t = later(p, th.t, 10, 90)
    for _ in range(p.rng.choice((0, 1, 1, 2))):
        if t > LAST_START:
            break
        after = p.thread(t)
        if p.rng.random() < 0.5:
            after.say("seller", after.compose("seller", "new_stock"))
            after.say("buyer", after.compose("buyer", "thanks_b", sign=0.0))
        else:
            after.say("buyer", after.compose("buyer", "received"))
        t = later(p, after.t, 10, 90)
    return True
