"""The verified-token cache: a token verifies once, is reused until its own expiry, never past
it, the cache stays bounded, and `forget` takes entries out (the revocation hook)."""

from __future__ import annotations

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
