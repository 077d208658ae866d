"""Sealed signing keys: the ES256 private keys are stored encrypted under a key-encryption key
(KEK) that is not in the database, so a dump of the accounts schema, or a query slipped into
any service, yields no key that can mint tokens.

`KeySealer` is the whole contract: a KMS (Vault transit, a cloud KMS, an HSM) can implement it
later; `LocalKek` is the built-in one, AES-256-GCM under a 32-byte key read from a mounted file
or secret. A sealed key reads ``<sealer>:<kek id>:<base64 of nonce + ciphertext>``, bound to its
kid (additional data), so a sealed key copied onto another row does not open.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

# The development KEK (32 bytes, base64): accounts refuses it in production.
DEV_SIGNING_KEK = base64.b64encode(b"luutru-dev-only-signing-kek-0032").decode()


class SealingError(RuntimeError):
    """A sealed key that no configured KEK opens (wrong or missing KEK, tampered value)."""


class KeySealer(Protocol):
    def seal(self, plaintext: bytes, *, context: str) -> str: ...

    def unseal(self, sealed: str, *, context: str) -> bytes: ...

    def is_current(self, sealed: str) -> bool:
        """Sealed with the key that seals now (else `reseal` seals it again)."""
        ...


def _kek_id(key: bytes) -> str:
    return hashlib.sha256(b"luutru-kek-id" + key).hexdigest()[:12]


def parse_kek(value: str) -> bytes:
    """A KEK as base64 (or hex) of exactly 32 bytes."""
    value = value.strip()
    for decode in (base64.b64decode, bytes.fromhex):
        try:
            key = decode(value)
        except (binascii.Error, ValueError):
            continue
        if len(key) == 32:
            return key
    raise ValueError("a signing KEK is 32 bytes, written in base64 or hex")


class LocalKek:
    """AES-256-GCM under local KEKs: the first seals, every one of them unseals (so the KEK can
    be rotated: add the new one first, re-seal with `luutru-accounts reseal-keys`, drop the old).
    """

    prefix = "aesgcm"

    def __init__(self, keys: list[bytes]) -> None:
        if not keys:
            raise ValueError("at least one signing KEK is needed")
        self._keys = {_kek_id(k): AESGCM(k) for k in keys}
        self._current = _kek_id(keys[0])

    @classmethod
    def from_values(cls, values: list[str]) -> LocalKek:
        """From the KEKs as configured (base64 or hex), the sealing one first."""
        return cls([parse_kek(v) for v in values])

    def seal(self, plaintext: bytes, *, context: str) -> str:
        """Seal under the current KEK; `context` (the key id) is authenticated with it, so the
        sealed value opens only for the same key."""
        nonce = os.urandom(12)
        ciphertext = self._keys[self._current].encrypt(nonce, plaintext, context.encode())
        return f"{self.prefix}:{self._current}:{base64.b64encode(nonce + ciphertext).decode()}"

    def unseal(self, sealed: str, *, context: str) -> bytes:
        """Open with the KEK that sealed it; `SealingError` when none configured does, or the value
        or its context was altered."""
        try:
            prefix, kek_id, blob = sealed.split(":", 2)
            aead = self._keys[kek_id] if prefix == self.prefix else None
        except (ValueError, KeyError):
            aead = None
        if aead is None:
            raise SealingError("no configured signing KEK opens this key")
        raw = base64.b64decode(blob)
        try:
            return aead.decrypt(raw[:12], raw[12:], context.encode())
        except InvalidTag as exc:
            raise SealingError("the sealed key does not open (tampered, or another kid)") from exc

    def is_current(self, sealed: str) -> bool:
        return sealed.startswith(f"{self.prefix}:{self._current}:")
