"""The demo generator: contract files, integrity, determinism, and labels that tell the truth.

One small marketplace (scale 0.05, a few hundred conversations) is generated once per module;
the tests read it back the way ingest and the link analysis will, and check that every label
is borne out by the data: planted messages exist and contain what they claim, off-platform
pairs stop ordering after the exchange, decoys stay clean, shared identifiers really are shared.
"""

from __future__ import annotations

import csv
import json
import random
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import phonenumbers
import pyarrow.parquet as pq
import pytest

from sidedeal.demo import generate
from sidedeal.demo.contacts import (
    EMAIL_STYLES,
    PHONE_STYLES,
    phrases,
    render_email,
    render_phone,
)
from sidedeal.demo.identities import (
    IBAN_FORMATS,
    MOBILE_PREFIXES,
    canonical,
    iban,
    iban_valid,
    mobile,
)
from sidedeal.demo.texts import fragments
from sidedeal.identifiers import normalise

SCALE = 0.05

# Columns exactly as DESIGN.md "The data contract" lists them.
CONTRACT = {
    "sellers": ["seller_id", "name", "country", "email", "phone", "website", "created_at"],
    "buyers": ["buyer_id", "name", "country", "email", "phone", "created_at"],
    "listings": ["listing_id", "seller_id", "title", "category", "price", "currency", "created_at"],
    "conversations": ["conversation_id", "buyer_id", "seller_id", "listing_id", "started_at"],
    "messages": ["message_id", "conversation_id", "sender", "sent_at", "body"],
    "orders": [
        "order_id", "buyer_id", "seller_id", "listing_id", "conversation_id", "amount",
        "currency", "placed_at", "status",
    ],
    "contacts": ["account_type", "account_id", "kind", "value", "observed_at"],
}  # fmt: skip
ISO_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


@dataclass
class Market:
    """The generated files, read back."""

    path: Path
    rows: dict[str, list[dict[str, Any]]]
    labels: dict[str, Any]

    def by_id(self, entity: str, key: str) -> dict[str, dict[str, Any]]:
        return {r[key]: r for r in self.rows[entity]}

    def country_of(self, account_type: str, account_id: str) -> str:
        entity, key = (
            ("sellers", "seller_id") if account_type == "seller" else ("buyers", "buyer_id")
        )
        return str(self.by_id(entity, key)[account_id]["country"])

    def identifiers_of(self, account_type: str, account_id: str) -> set[tuple[str, str]]:
        """Normalised (kind, value) of an account's profile phone/email and contacts rows."""
        country = self.country_of(account_type, account_id)
        entity, key = (
            ("sellers", "seller_id") if account_type == "seller" else ("buyers", "buyer_id")
        )
        profile = self.by_id(entity, key)[account_id]
        found: set[tuple[str, str]] = set()
        raw = [("phone", profile["phone"]), ("email", profile["email"])]
        raw += [
            (c["kind"], c["value"])
            for c in self.rows["contacts"]
            if c["account_type"] == account_type and c["account_id"] == account_id
        ]
        for kind, value in raw:
            ident = normalise(kind, value or None, country)
            if ident is not None:
                found.add(("payout" if kind == "payout" else ident.kind, ident.value))
        return found


def read_dir(path: Path) -> Market:
    rows: dict[str, list[dict[str, Any]]] = {}
    for entity in CONTRACT:
        if (path / f"{entity}.csv").exists():
            with (path / f"{entity}.csv").open(encoding="utf-8", newline="") as fh:
                rows[entity] = list(csv.DictReader(fh))
        elif (path / f"{entity}.jsonl").exists():
            with (path / f"{entity}.jsonl").open(encoding="utf-8") as fh:
                rows[entity] = [json.loads(line) for line in fh]
        else:
            rows[entity] = pq.read_table(path / f"{entity}.parquet").to_pylist()
    labels = json.loads((path / "labels.json").read_text(encoding="utf-8"))
    return Market(path, rows, labels)


@pytest.fixture(scope="module")
def market(tmp_path_factory: pytest.TempPathFactory) -> Market:
    out = tmp_path_factory.mktemp("demo")
    generate(out, scale=SCALE, seed=7)
    return read_dir(out)


def pairs_orders(m: Market) -> dict[tuple[str, str], list[dict[str, Any]]]:
    out: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for o in m.rows["orders"]:
        out[(o["buyer_id"], o["seller_id"])].append(o)
    return out


def pair_messages(m: Market) -> dict[tuple[str, str], list[dict[str, Any]]]:
    conv = m.by_id("conversations", "conversation_id")
    out: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for msg in m.rows["messages"]:
        c = conv[msg["conversation_id"]]
        out[(c["buyer_id"], c["seller_id"])].append(msg)
    return out


# --- files and integrity -------------------------------------------------------------------------


def test_files_have_exactly_the_contract_columns_and_mixed_puts_messages_in_jsonl(
    market: Market,
) -> None:
    for entity, columns in CONTRACT.items():
        if entity == "messages":
            first = (market.path / "messages.jsonl").read_text(encoding="utf-8").splitlines()[0]
            assert list(json.loads(first)) == columns
        else:
            with (market.path / f"{entity}.csv").open(encoding="utf-8") as fh:
                assert next(csv.reader(fh)) == columns
    assert not (market.path / ".labels.spool").exists()


def test_ids_timestamps_countries_and_amounts_are_well_formed(market: Market) -> None:
    prefixes = {
        "sellers": ("seller_id", r"s\d{6}"),
        "buyers": ("buyer_id", r"b\d{6}"),
        "listings": ("listing_id", r"l\d{7}"),
        "conversations": ("conversation_id", r"c\d{7}"),
        "messages": ("message_id", r"m\d{8}"),
        "orders": ("order_id", r"o\d{7}"),
    }
    for entity, (key, pattern) in prefixes.items():
        ids = [r[key] for r in market.rows[entity]]
        assert ids and all(re.fullmatch(pattern, i) for i in ids), entity
        assert len(set(ids)) == len(ids), f"duplicate ids in {entity}"
    as_of = market.labels["as_of"]
    stamps = {"sellers": "created_at", "buyers": "created_at", "listings": "created_at",
              "conversations": "started_at", "messages": "sent_at", "orders": "placed_at",
              "contacts": "observed_at"}  # fmt: skip
    for entity, column in stamps.items():
        for r in market.rows[entity]:
            assert ISO_Z.match(r[column]) and r[column] < as_of, (entity, r[column])
    for entity in ("sellers", "buyers"):
        assert all(re.fullmatch(r"[A-Z]{2}", r["country"]) for r in market.rows[entity])
    assert len({r["country"] for r in market.rows["sellers"]}) >= 4
    for o in market.rows["orders"]:
        assert float(o["amount"]) > 0 and o["currency"] in {"GBP", "EUR", "USD", "CHF"}
    statuses = Counter(o["status"] for o in market.rows["orders"])
    assert statuses["completed"] > len(market.rows["orders"]) / 2 and len(statuses) >= 3


def test_every_reference_resolves_and_time_runs_forward(market: Market) -> None:
    sellers = market.by_id("sellers", "seller_id")
    buyers = market.by_id("buyers", "buyer_id")
    listings = market.by_id("listings", "listing_id")
    conv = market.by_id("conversations", "conversation_id")
    for listing in market.rows["listings"]:
        assert listing["seller_id"] in sellers
    for c in conv.values():
        assert c["buyer_id"] in buyers and c["seller_id"] in sellers
        assert listings[c["listing_id"]]["seller_id"] == c["seller_id"]
        assert listings[c["listing_id"]]["created_at"] <= c["started_at"]
        assert buyers[c["buyer_id"]]["created_at"] <= c["started_at"]
        assert sellers[c["seller_id"]]["created_at"] <= c["started_at"]
    last: dict[str, str] = {}
    for msg in market.rows["messages"]:
        c = conv[msg["conversation_id"]]
        assert msg["sender"] in ("buyer", "seller") and msg["body"]
        assert msg["sent_at"] >= last.get(c["conversation_id"], c["started_at"])
        last[c["conversation_id"]] = msg["sent_at"]
    for o in market.rows["orders"]:
        assert o["buyer_id"] in buyers and o["seller_id"] in sellers
        assert listings[o["listing_id"]]["seller_id"] == o["seller_id"]
        if o["conversation_id"]:
            c = conv[o["conversation_id"]]
            assert (c["buyer_id"], c["seller_id"]) == (o["buyer_id"], o["seller_id"])
            assert o["placed_at"] >= c["started_at"]
    for row in market.rows["contacts"]:
        assert row["account_id"] in (sellers if row["account_type"] == "seller" else buyers)


def test_same_seed_gives_byte_identical_files_and_another_seed_does_not(tmp_path: Path) -> None:
    for name in ("a", "b", "c"):
        generate(tmp_path / name, scale=0.03, seed=11 if name != "c" else 12)
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "b").iterdir())
    assert "labels.json" in names
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert (tmp_path / "a" / "messages.jsonl").read_bytes() != (
        tmp_path / "c" / "messages.jsonl"
    ).read_bytes()


@pytest.mark.parametrize("fmt", ["parquet", "jsonl", "csv"])
def test_single_format_output_holds_the_same_rows(fmt: str, tmp_path: Path) -> None:
    mixed = generate(tmp_path / "mixed", scale=0.02, seed=5)
    other = generate(tmp_path / fmt, scale=0.02, seed=5, fmt=fmt)
    assert other.rows == mixed.rows
    assert {p.suffix for p in other.paths.values()} == {f".{fmt}"}
    again = read_dir(tmp_path / fmt)
    first = read_dir(tmp_path / "mixed")
    for entity in CONTRACT:
        key = CONTRACT[entity][0]
        assert [r[key] for r in again.rows[entity]] == [r[key] for r in first.rows[entity]]
    assert again.rows["messages"][3]["body"] == first.rows["messages"][3]["body"]


def test_a_second_run_in_another_format_replaces_the_first(tmp_path: Path) -> None:
    generate(tmp_path, scale=0.02, fmt="csv")
    generate(tmp_path, scale=0.02, fmt="mixed")
    assert not (tmp_path / "messages.csv").exists()
    assert (tmp_path / "messages.jsonl").exists()


def test_scale_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="scale"):
        generate(tmp_path, scale=0)


# --- planted behaviour ---------------------------------------------------------------------------


def test_off_platform_pairs_hold_their_planted_messages_and_then_stop_ordering(
    market: Market,
) -> None:
    pairs = market.labels["off_platform_pairs"]
    patterns = Counter(p["pattern"] for p in pairs)
    assert patterns["contact_then_silence"] >= 5 and patterns["repeat_moved_off"] >= 2
    findings = {f["message_id"]: f for f in market.labels["message_findings"]}
    messages = market.by_id("messages", "message_id")
    conv = market.by_id("conversations", "conversation_id")
    orders = pairs_orders(market)
    for p in pairs:
        key = (p["buyer_id"], p["seller_id"])
        assert p["contact_message_ids"], p
        first = messages[p["contact_message_ids"][0]]
        assert first["sent_at"] == p["exchanged_at"]
        for mid in p["contact_message_ids"]:
            c = conv[messages[mid]["conversation_id"]]
            assert (c["buyer_id"], c["seller_id"]) == key
            assert mid in findings and findings[mid]["findings"]
        before = [o for o in orders[key] if o["placed_at"] < p["exchanged_at"]]
        after = [o for o in orders[key] if o["placed_at"] >= p["exchanged_at"]]
        assert not after, f"{key} ordered on the platform after the exchange"
        if p["pattern"] == "contact_then_silence":
            assert not before
        else:
            assert len(before) == p["orders_before"] >= 2
            assert all(o["status"] == "completed" for o in before)


def test_repeat_business_may_keep_talking_but_only_cleanly(market: Market) -> None:
    findings = {f["message_id"] for f in market.labels["message_findings"]}
    talk = pair_messages(market)
    later = 0
    for p in market.labels["off_platform_pairs"]:
        if p["pattern"] != "repeat_moved_off":
            continue
        after = [
            m for m in talk[(p["buyer_id"], p["seller_id"])] if m["sent_at"] > p["exchanged_at"]
        ]
        planted_after = {m["message_id"] for m in after} & findings
        assert planted_after <= set(p["contact_message_ids"])
        later += sum(m["conversation_id"] != p["conversation_id"] for m in after)
    assert later > 0, "no repeat pair went on talking after moving off the platform"


def test_fraud_sellers_cover_every_planted_scheme(market: Market) -> None:
    labels = market.labels
    fraud = set(labels["fraud_sellers"])
    assert fraud and labels["fraud_sellers"] == sorted(fraud)
    assert {p["seller_id"] for p in labels["off_platform_pairs"]} <= fraud
    for group in labels["multi_account_sellers"] + labels["shared_payout_groups"]:
        assert set(group["seller_ids"]) <= fraud
    assert {b["seller_id"] for b in labels["buyers_with_seller_identifier"]} <= fraud
    assert len(fraud) < len(market.rows["sellers"]) / 2


def test_multi_account_sellers_really_share_their_identifiers(market: Market) -> None:
    groups = market.labels["multi_account_sellers"]
    assert groups
    for group in groups:
        assert len(group["seller_ids"]) >= 2 and group["shared"]
        for s in group["seller_ids"]:
            held = market.identifiers_of("seller", s)
            for shared in group["shared"]:
                assert (shared["kind"], shared["value"]) in held, (s, shared)


def test_shared_payout_groups_list_one_valid_iban_in_every_members_contacts(
    market: Market,
) -> None:
    payouts: dict[str, set[str]] = defaultdict(set)
    for row in market.rows["contacts"]:
        if row["kind"] == "payout":
            payouts[row["value"]].add(row["account_id"])
    groups = market.labels["shared_payout_groups"]
    assert groups
    for group in groups:
        assert iban_valid(group["iban"]) and normalise("payout", group["iban"]) is not None
        assert payouts[group["iban"]] == set(group["seller_ids"])
    shared = {value for value, owners in payouts.items() if len(owners) > 1}
    assert shared == {g["iban"] for g in groups}, "a payout account is shared without a label"
    for value in payouts:
        ident = normalise("payout", value)
        assert ident is not None and (ident.valid or value.startswith("ABA ")), value


def test_buyers_with_a_sellers_identifier_carry_the_sellers_own_value(market: Market) -> None:
    entries = market.labels["buyers_with_seller_identifier"]
    assert entries
    sellers = market.by_id("sellers", "seller_id")
    for e in entries:
        assert (e["kind"], e["value"]) in market.identifiers_of("buyer", e["buyer_id"])
        seller = sellers[e["seller_id"]]
        own = normalise(e["kind"], seller[e["kind"]], seller["country"])
        assert own is not None and own.value == e["value"]


def test_phones_are_valid_for_their_country_and_shared_only_on_purpose(market: Market) -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for entity, kind in (("sellers", "seller"), ("buyers", "buyer")):
        for r in market.rows[entity]:
            key = r[f"{kind}_id"]
            raw = [r["phone"]] + [
                c["value"]
                for c in market.rows["contacts"]
                if c["account_id"] == key and c["kind"] == "phone"
            ]
            for value in filter(None, raw):
                number = phonenumbers.parse(value, r["country"])
                assert phonenumbers.is_valid_number(number), (key, value)
                e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
                owners[e164].add(key)
    labels = market.labels
    allowed: list[set[str]] = [set(g["seller_ids"]) for g in labels["multi_account_sellers"]]
    allowed += [{b["buyer_id"], b["seller_id"]} for b in labels["buyers_with_seller_identifier"]]
    courier = labels["decoys"]["courier"]
    for phone, accounts in owners.items():
        if len(accounts) > 1 and phone != courier["phone"]:
            assert any(accounts <= group for group in allowed), (phone, accounts)
    for entry in labels["message_findings"]:
        for f in entry["findings"]:
            if f["kind"] == "phone":
                assert phonenumbers.is_valid_number(phonenumbers.parse(f["value"])), f


_WORDS = {
    "zero": "0", "zéro": "0", "cero": "0", "null": "0", "nul": "0", "oh": "0",
    "one": "1", "un": "1", "uno": "1", "eins": "1", "een": "1",
    "two": "2", "deux": "2", "due": "2", "zwei": "2", "dos": "2", "twee": "2",
    "three": "3", "trois": "3", "tre": "3", "drei": "3", "tres": "3", "drie": "3",
    "four": "4", "quatre": "4", "quattro": "4", "vier": "4", "cuatro": "4",
    "five": "5", "cinq": "5", "cinque": "5", "fünf": "5", "cinco": "5", "vijf": "5",
    "six": "6", "sei": "6", "sechs": "6", "seis": "6", "zes": "6",
    "seven": "7", "sept": "7", "sette": "7", "sieben": "7", "siete": "7", "zeven": "7",
    "eight": "8", "huit": "8", "otto": "8", "acht": "8", "ocho": "8",
    "nine": "9", "neuf": "9", "nove": "9", "neun": "9", "nueve": "9", "negen": "9",
}  # fmt: skip


def _digits(text: str) -> str:
    """Every digit the text spells, in order: a reference decoder for the renderings."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\ufe0f", "").replace("\u20e3", "").replace("\u200b", "")
    # "O7911 l23456": O and l stand for 0 and 1 only inside a run that has real digits.
    text = re.sub(r"\b[\dOl]*\d[\dOl]*\b", lambda m: m[0].replace("O", "0").replace("l", "1"), text)
    out: list[str] = []
    tokens = re.findall(r"\d|[^\W\d_]+", text.lower())
    for i, token in enumerate(tokens):
        if token.isdigit():
            out.append(token)
        elif token in _WORDS and not (token == "double" or (i and tokens[i - 1] == "double")):
            out.append(_WORDS[token])
        elif token == "double" and i + 1 < len(tokens) and tokens[i + 1] in _WORDS:
            out.append(_WORDS[tokens[i + 1]] * 2)
    return "".join(out)


def _email_text(text: str) -> str:
    low = text.lower().translate(str.maketrans("\u0430\u0435\u043e", "aeo"))
    low = re.sub(
        r"[\[\({<\"_ ]*\b(at|arobase|chiocciola|arroba|apenstaartje|ät)\b[\]\)}>\"_ ]*", "@", low
    )
    low = re.sub(r"[\[\({<\"_ ]*\b(dot|point|punto|punkt|punt)\b[\]\)}>\"_ ]*", ".", low)
    return re.sub(r"\s*@\s*", "@", low)


def test_planted_messages_contain_what_their_findings_claim(market: Market) -> None:
    messages = market.by_id("messages", "message_id")
    styles: Counter[str] = Counter()
    for entry in market.labels["message_findings"]:
        body = messages[entry["message_id"]]["body"]
        styles.update(entry["styles"])
        for f in entry["findings"]:
            kind, value = f["kind"], f["value"]
            if kind == "phone":
                national = str(phonenumbers.parse(value).national_number)
                assert national in _digits(body), (body, value)
            elif kind == "email":
                local, domain = value.split("@")
                decoded = _email_text(body)
                assert domain in decoded, (body, value)
                flat = re.sub(r"[^\w@.]", "", decoded).replace(".", "")
                assert local.replace(".", "") in flat, (body, value)
            elif kind == "handle":
                assert value.split(":", 1)[1] in body.lower(), (body, value)
            elif kind == "url":
                assert value in body.lower(), (body, value)
            elif kind == "payment" and value.startswith("iban:"):
                assert value[5:] in body.replace(" ", ""), (body, value)
            else:
                assert kind in ("cue", "payment") and re.fullmatch(r"[a-z_]+", value)
    assert len(styles) >= 10, styles


def test_label_values_are_in_the_pipelines_normalised_form(market: Market) -> None:
    for entry in market.labels["message_findings"]:
        for f in entry["findings"]:
            assert canonical(f["kind"], f["value"]) == f["value"], f
    courier = market.labels["decoys"]["courier"]
    assert courier["phone"] == canonical("phone", courier["phone"]).strip()
    assert any(
        f["kind"] == "email" and "." not in f["value"].split("@")[0] and "gmail" in f["value"]
        for e in market.labels["message_findings"]
        for f in e["findings"]
    ), "gmail addresses are labelled without their dots, as ingest stores them"


# --- decoys --------------------------------------------------------------------------------------


def test_loyal_buyers_order_often_and_never_exchange_contacts(market: Market) -> None:
    loyal = market.labels["decoys"]["loyal_pairs"]
    assert loyal
    planted = {f["message_id"] for f in market.labels["message_findings"]}
    orders, talk = pairs_orders(market), pair_messages(market)
    off = {(p["buyer_id"], p["seller_id"]) for p in market.labels["off_platform_pairs"]}
    for p in loyal:
        key = (p["buyer_id"], p["seller_id"])
        assert len(orders[key]) == p["orders"] >= 4
        assert not {m["message_id"] for m in talk[key]} & planted
        assert key not in off


def test_tire_kickers_ask_a_lot_and_never_buy(market: Market) -> None:
    kickers = market.labels["decoys"]["tire_kicker_pairs"]
    assert kickers
    planted = {f["message_id"] for f in market.labels["message_findings"]}
    orders, talk = pairs_orders(market), pair_messages(market)
    for p in kickers:
        key = (p["buyer_id"], p["seller_id"])
        assert not orders[key]
        assert len({m["conversation_id"] for m in talk[key]}) == p["conversations"] >= 2
        assert not {m["message_id"] for m in talk[key]} & planted


def test_contact_given_for_a_viewing_or_refused_still_ends_in_an_order(market: Market) -> None:
    decoys = market.labels["decoys"]
    orders = pairs_orders(market)
    messages = market.by_id("messages", "message_id")
    checkout = set(decoys["checkout_message_ids"])
    assert decoys["declined_pairs"] or decoys["contact_then_order_pairs"]
    for p in decoys["contact_then_order_pairs"]:
        shared_at = messages[p["contact_message_ids"][0]]["sent_at"]
        placed = [o["placed_at"] for o in orders[(p["buyer_id"], p["seller_id"])]]
        assert any(t > shared_at for t in placed)
    for p in decoys["declined_pairs"]:
        asked = messages[p["solicit_message_id"]]
        conv = [
            m for m in market.rows["messages"] if m["conversation_id"] == asked["conversation_id"]
        ]
        reply = conv[conv.index(asked) + 1]
        assert reply["sender"] == "seller" and reply["message_id"] in checkout
        assert p["order_id"] in {o["order_id"] for o in orders[(p["buyer_id"], p["seller_id"])]}


def test_the_courier_phone_and_packer_email_are_hubs_of_honest_sellers(market: Market) -> None:
    courier = market.labels["decoys"]["courier"]
    holders = set()
    for r in market.rows["contacts"]:
        if r["account_type"] == "seller" and r["kind"] == "phone":
            country = market.country_of("seller", r["account_id"])
            ident = normalise("phone", r["value"], country)
            if ident is not None and ident.value == courier["phone"]:
                holders.add(r["account_id"])
    assert holders == set(courier["seller_ids"]) and len(holders) >= 5
    packers = {r["account_id"] for r in market.rows["contacts"] if r["value"] == courier["email"]}
    assert packers == set(courier["email_seller_ids"]) and len(packers) >= 5
    messages = market.by_id("messages", "message_id")
    findings = {f["message_id"]: f["findings"] for f in market.labels["message_findings"]}
    for mid in courier["message_ids"]:
        assert findings[mid] == [{"kind": "phone", "value": courier["phone"]}]
        assert messages[mid]["sender"] == "seller"
    centre = market.labels["decoys"]["shared_address"]
    at_centre = {r["account_id"] for r in market.rows["contacts"] if r["value"] == centre["value"]}
    assert at_centre == set(centre["seller_ids"]) and len(at_centre) >= 3
    assert not at_centre & set(market.labels["fraud_sellers"])


def test_lookalike_messages_are_full_of_numbers_but_carry_no_contact(market: Market) -> None:
    decoys = market.labels["decoys"]
    planted = {f["message_id"] for f in market.labels["message_findings"]}
    messages = market.by_id("messages", "message_id")
    look = decoys["lookalike_message_ids"]
    assert len(look) > len(market.rows["messages"]) / 20
    assert not set(look) & planted
    bodies = [messages[mid]["body"] for mid in look]
    kinds = {
        "dimensions": r"\d+ x \d+",
        "circa": r"(circa|c\.|ca\.|vers|um|hacia) \d{4}-\d{4}",
        "order": r"(order|commande|ordine|Bestellung|pedido|bestelling)\b.{0,8}\d{8}",
        "tracking": r"\d{4} \d{4} \d{4}|1Z\d{3}A\d{10}",
        "certificate": r"\b\d{10}\b",
        "vat": r"(VAT|TVA|IVA|USt|btw)",
    }
    for kind, pattern in kinds.items():
        assert any(re.search(pattern, b) for b in bodies), kind
    checkout = decoys["checkout_message_ids"]
    assert checkout and not set(checkout) & planted


def test_messages_vary_and_speak_the_trades_languages(market: Market) -> None:
    bodies = [m["body"] for m in market.rows["messages"]]
    counts = Counter(bodies)
    assert len(counts) / len(bodies) > 0.5
    assert counts.most_common(1)[0][1] < len(bodies) * 0.02
    markers = {"fr": "Bonjour", "it": "Grazie", "de": "Vielen Dank|Guten Tag|Grüße",
               "es": "Gracias|Hola|Un saludo", "nl": "Dank u|Goedendag|Groeten"}  # fmt: skip
    english = sum("the " in b for b in bodies)
    assert english > len(bodies) / 3
    spoken = [
        lang for lang, pattern in markers.items() if any(re.search(pattern, b) for b in bodies)
    ]
    assert len(spoken) >= 3, spoken


# --- the pieces ----------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "fr", "it", "de", "es", "nl"])
@pytest.mark.parametrize("e164", ["+447312345678", "+33612345678", "+393312345678", "+12124567890"])
def test_every_phone_rendering_spells_the_number(lang: str, e164: str) -> None:
    national = str(phonenumbers.parse(e164).national_number)
    for style in PHONE_STYLES:
        for seed in range(3):
            text, used = render_phone(random.Random(seed), e164, lang, style)
            assert national in _digits(text), (style, text)
            assert used == style or style == "letters"


@pytest.mark.parametrize("lang", ["en", "fr", "it", "de", "es", "nl"])
def test_every_email_rendering_spells_the_address(lang: str) -> None:
    for address in ("j.smith4711@outlook.com", "marco_rossi.88@libero.it"):
        for style in EMAIL_STYLES:
            text, _ = render_email(random.Random(1), address, lang, style)
            local, domain = address.split("@")
            decoded = _email_text(text)
            assert domain in decoded, (style, text)
            assert local.replace(".", "") in re.sub(r"[^\w@.]", "", decoded).replace(".", "")


def test_every_language_has_every_slot_the_flows_use() -> None:
    english = {k for k in fragments("en") if not k.startswith(("q_", "a_", "open_"))}
    generic = {k for k in fragments("en") if k.startswith(("q_", "a_")) and k.count("_") == 1}
    for lang in ("fr", "it", "de", "es", "nl"):
        missing = (english | generic) - set(fragments(lang))
        assert not missing, (lang, sorted(missing))
        for key in ("phone", "email", "whatsapp", "iban", "paypal", "cue", "solicit", "after"):
            assert phrases()[lang][key], (lang, key)


def test_ibans_and_mobiles_are_valid_and_distinct_per_serial() -> None:
    for country in IBAN_FORMATS:
        values = {iban(country, n, 42) for n in range(300)}
        assert len(values) == 300
        assert all(normalise("iban", v) == normalise("payout", v) for v in values)
        assert all(iban_valid(v) for v in values)
    for region in MOBILE_PREFIXES:
        numbers = {mobile(region, n, 42) for n in range(300)}
        assert len(numbers) == 300
        for n in numbers:
            parsed = phonenumbers.parse(n)
            assert phonenumbers.is_valid_number(parsed)
            assert phonenumbers.region_code_for_number(parsed) == region
