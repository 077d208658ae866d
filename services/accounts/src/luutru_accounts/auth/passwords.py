"""Password hashing: argon2id through passlib's API (the maintained `libpass` distribution)."""

from __future__ import annotations

import secrets
import string

from passlib.hash import argon2

_hasher = argon2.using(type="ID")
# Verified against when the user does not exist, so an unknown username costs the same time
# as a wrong password and cannot be told apart by timing.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    if password_hash is None:
        _hasher.verify(password, _DUMMY_HASH)
        return False
    return _hasher.verify(password, password_hash)


def one_time_password() -> str:
    """A readable one-time password, changed at first login."""
    alphabet = string.ascii_letters + string.digits
    core = "".join(secrets.choice(alphabet) for _ in range(12))
    return f"{core[:4]}-{core[4:8]}-{core[8:]}"
