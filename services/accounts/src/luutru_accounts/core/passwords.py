"""Password hashing: argon2id through passlib's API (the maintained `libpass` distribution),
and the password policy."""

from __future__ import annotations

import secrets
import string
from functools import cache

from anyio import to_thread
from passlib.hash import argon2

from luutru_common.problems import FieldError, field_error

# The production cost (64 MiB, 3 passes, 4 lanes): every hash is made with it unless the test
# environment installs a cheaper one (`install_cost`). A stored hash carries its own
# parameters, so verifying follows whatever cost it was made with.
PRODUCTION_MEMORY_KIB = 65536
PRODUCTION_TIME_COST = 3
_hasher = argon2.using(type="ID", memory_cost=PRODUCTION_MEMORY_KIB, rounds=PRODUCTION_TIME_COST)


def install_cost(*, memory_kib: int, time_cost: int) -> None:
    """Make new hashes (and the dummy hash) at this argon2 cost; at start, from the settings,
    which allow less than the production cost only in the test environment."""
    global _hasher
    _hasher = argon2.using(type="ID", memory_cost=memory_kib, rounds=time_cost)
    _dummy_hash.cache_clear()


@cache
def _dummy_hash() -> str:
    """Verified against when the user does not exist, so an unknown username costs the same
    time as a wrong password and cannot be told apart by timing. Made at the first such
    login, not at import: one argon2 hash is a quarter of a second of CPU that would delay
    every start of the service (issue 14, cold start)."""
    return _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    """An argon2 hash of the password, the only form it is stored in."""
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    """Whether the password matches the hash. Without a hash (no such user) a dummy hash is
    checked, so both answers take the same time."""
    if password_hash is None:
        _hasher.verify(password, _dummy_hash())
        return False
    try:
        return _hasher.verify(password, password_hash)
    except ValueError:  # a malformed stored hash is a failed login, not a crash
        return False


# argon2 takes a few hundred milliseconds of CPU on purpose: run it in a worker thread so the
# event loop keeps serving other requests meanwhile.
async def hash_password_async(password: str) -> str:
    """`hash_password` in a worker thread."""
    return await to_thread.run_sync(hash_password, password)


async def verify_password_async(password: str, password_hash: str | None) -> bool:
    """`verify_password` in a worker thread."""
    return await to_thread.run_sync(verify_password, password, password_hash)


def one_time_password() -> str:
    """A readable one-time password, changed at first login."""
    alphabet = string.ascii_letters + string.digits
    core = "".join(secrets.choice(alphabet) for _ in range(12))
    return f"{core[:4]}-{core[4:8]}-{core[8:]}"


# The policy's parameters besides the minimum length (a setting): policy_errors enforces them
# and GET /v1/password-policy states them, so the hint a form shows is the rule that applies.
MIN_CHARACTER_KINDS = 3
MIN_DISTINCT_CHARACTERS = 5
CHARACTER_KINDS = ("lower", "upper", "digit", "other")


def _classes(password: str) -> int:
    lower = any(c.islower() for c in password)
    upper = any(c.isupper() for c in password)
    digit = any(c.isdigit() for c in password)
    other = any(not c.isalnum() for c in password)
    return lower + upper + digit + other


def policy_errors(
    password: str, *, username: str, min_length: int, pointer: str = "/new_password"
) -> list[FieldError]:
    """The password policy: long enough, not the username, and some variety of characters
    (three of: lower case, upper case, digits, other characters)."""
    errors: list[FieldError] = []
    if len(password) < min_length:
        errors.append(
            field_error(
                pointer,
                "password-too-short",
                f"Mật khẩu phải có ít nhất {min_length} ký tự",
                f"The password needs at least {min_length} characters",
            )
        )
    if username and username.casefold() in password.casefold():
        errors.append(
            field_error(
                pointer,
                "password-contains-username",
                "Mật khẩu không được chứa tên đăng nhập",
                "The password must not contain the username",
            )
        )
    if _classes(password) < MIN_CHARACTER_KINDS or len(set(password)) < MIN_DISTINCT_CHARACTERS:
        errors.append(
            field_error(
                pointer,
                "password-too-simple",
                "Mật khẩu cần ít nhất 3 loại ký tự: chữ thường, chữ hoa, chữ số, ký tự khác",
                "The password needs three of: lower case, upper case, digits, other characters",
            )
        )
    return errors


def policy_text(min_length: int) -> dict[str, str]:
    """The policy in words, from the parameters policy_errors enforces."""
    return {
        "vi": (
            f"Ít nhất {min_length} ký tự, có ít nhất {MIN_CHARACTER_KINDS} trong 4 loại: chữ "
            "thường, chữ hoa, chữ số, ký tự khác; không chứa tên đăng nhập."
        ),
        "en": (
            f"At least {min_length} characters, with at least {MIN_CHARACTER_KINDS} of the 4 "
            "kinds: lower case, upper case, digits, other characters; not containing the "
            "username."
        ),
    }
