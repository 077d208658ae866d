"""The verified-token cache: a token verifies once, is reused until its own expiry, never past
it, the cache stays bounded, and `forget` takes entries out (the revocation hook)."""

from __future__ import annotations

import itertools
import time
import uuid

import pytest

from luutru_common.auth import Principal, Role, TokenVerifier, VerifiedTokens
from luutru_common.problems import Problem
from tests.support import TestSigner


def verifier_for(signer: TestSigner) -> TokenVerifier:
    verifier = TokenVerifier(
        "http://127.0.0.1:9/jwks.json", issuer="luutru-accounts", audience="luutru"
    )
    verifier.add_jwks(signer.jwks)
    return verifier


def principal(subject: str) -> Principal:
    return Principal(subject=subject, role=Role.FACILITY_STAFF, facility_id=uuid.uuid4())


async def test_a_verified_token_is_not_verified_again():
    signer = TestSigner()
    verifier = verifier_for(signer)
    token = signer.token(role="facility_staff", sub="le-tan")
    first = await verifier.verify(token)
    verifier._keys.clear()  # a second verification would now fail: unknown signing key
    verifier._last_fetch = time.monotonic()  # and no JWKS fetch is tried
    assert await verifier.verify(token) is first


async def test_a_token_that_failed_is_not_remembered():
    signer = TestSigner()
    verifier = verifier_for(signer)
    token = signer.token(role="facility_staff")
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    for _ in range(2):
        with pytest.raises(Problem) as refused:
            await verifier.verify(tampered)
        assert refused.value.status == 401
    assert verifier.verified.get(tampered) is None


def test_an_entry_ends_with_its_token():
    cache = VerifiedTokens()
    cache.put("expired", time.time() - 1, principal("a"), {"sub": "a"})
    cache.put("valid", time.time() + 60, principal("b"), {"sub": "b"})
    assert cache.get("expired") is None
    assert cache.get("valid") is not None and cache.get("valid")[0].subject == "b"


def test_the_cache_is_bounded_least_recently_used_first():
    cache = VerifiedTokens(size=2)
    later = time.time() + 60
    cache.put("t1", later, principal("1"), {"sub": "1"})
    cache.put("t2", later, principal("2"), {"sub": "2"})
    assert cache.get("t1") is not None  # t1 used last: t2 is now the oldest
    cache.put("t3", later, principal("3"), {"sub": "3"})
    assert cache.get("t2") is None
    assert cache.get("t1") is not None and cache.get("t3") is not None


def test_forget_drops_the_matching_principals_or_all():
    cache = VerifiedTokens()
    later = time.time() + 60
    cache.put("t1", later, principal("revoked"), {"sub": "revoked"})
    cache.put("t2", later, principal("kept"), {"sub": "kept"})
    cache.forget(lambda p: p.subject == "revoked")
    assert cache.get("t1") is None and cache.get("t2") is not None
    cache.forget()
    assert cache.get("t2") is None


async def test_a_key_made_just_after_a_fetch_is_not_refused():
    """A rotation right after the verifier fetched the key set: the new key's first token
    waits for the next allowed fetch instead of being refused as unknown (accounts refused
    its own new tokens for up to a second after rotating)."""
    old, new = TestSigner(), TestSigner()
    verifier = verifier_for(old)
    published = [old.jwks["keys"]]

    async def fetch_jwks() -> dict:
        return {"keys": [k for keys in published for k in keys]}

    verifier.fetch_jwks = fetch_jwks
    await verifier._refresh()  # the key set, fetched just now: without the new key
    published.append(new.jwks["keys"])  # accounts rotates
    started = time.monotonic()
    principal = await verifier.verify(new.token(role="facility_staff", sub="le-tan"))
    assert principal.subject == "le-tan"
    assert time.monotonic() - started < 1.5  # one more fetch, once the second was up


async def test_an_unknown_key_still_costs_at_most_one_fetch_a_second():
    signer = TestSigner()
    verifier = verifier_for(signer)
    fetches = []

    async def fetch_jwks() -> dict:
        fetches.append(time.monotonic())
        return signer.jwks

    verifier.fetch_jwks = fetch_jwks
    stranger = TestSigner().token(role="facility_staff")
    for _ in range(3):
        with pytest.raises(Problem) as refused:
            await verifier.verify(stranger)
        assert refused.value.status == 401
    assert all(b - a >= 1.0 for a, b in itertools.pairwise(fetches)), fetches
