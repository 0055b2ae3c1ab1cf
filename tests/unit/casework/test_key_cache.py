"""The API's memory of verified keys: what it remembers, for how long, and what it forgets."""

from __future__ import annotations

from sidedeal.casework.keys import KeyCache, Principal

ANA = Principal(key_id="k1", name="ana", role="investigator")
BOT = Principal(key_id="k2", name="messaging", role="service")


def test_a_verified_key_is_remembered_until_it_is_forgotten() -> None:
    cache = KeyCache(ttl_s=60)
    cache.put("sdk_k1_secret", ANA)
    cache.put("sdk_k2_secret", BOT)
    assert cache.get("sdk_k1_secret") == ANA
    assert cache.get("sdk_k1_other") is None  # another secret for the same id is not this key
    cache.forget("k1")  # revoked through this process: gone at once
    assert cache.get("sdk_k1_secret") is None
    assert cache.get("sdk_k2_secret") == BOT


def test_an_expired_entry_is_not_used() -> None:
    cache = KeyCache(ttl_s=60)
    cache.put("sdk_k1_secret", ANA)
    digest = next(iter(cache._entries))
    cache._entries[digest] = (0.0, ANA)  # its time ran out
    assert cache.get("sdk_k1_secret") is None


def test_a_zero_ttl_turns_the_cache_off() -> None:
    cache = KeyCache(ttl_s=0)
    cache.put("sdk_k1_secret", ANA)
    assert cache.get("sdk_k1_secret") is None
