"""The pre-registration link's token and the short code a guest reads out.

A token is the link's id and expiry signed with HMAC-SHA-256 (the key is
``pre_registration_secret``), base64url without padding: nothing is stored for it, a forged or
altered token fails the signature before any database read, and an expired one is refused
even if its row were still there. The row still decides (revoked, used up).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from luutru_ingest.receipt_numbers import ALPHABET

_PURPOSE = b"luutru-pre-registration-link-v1"
_MAC_BYTES = 16
_PAYLOAD_BYTES = 16 + 5  # the link id, the expiry in seconds since 1970 (5 bytes)
CODE_LENGTH = 6  # 32^6: about a billion; unique among a facility's live entries


@dataclass(frozen=True)
class LinkToken:
    link_id: uuid.UUID
    expires_at: datetime


def _mac(secret: str, payload: bytes) -> bytes:
    return hmac.new(secret.encode(), _PURPOSE + payload, hashlib.sha256).digest()[:_MAC_BYTES]


def sign(secret: str, link_id: uuid.UUID, expires_at: datetime) -> str:
    """The token of a link (the same every time for the same link)."""
    payload = link_id.bytes + int(expires_at.timestamp()).to_bytes(5, "big")
    raw = payload + _mac(secret, payload)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def read(secret: str, token: str) -> LinkToken | None:
    """The link a token names, or None when it is not one of ours (malformed, altered)."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (ValueError, TypeError):
        return None
    if len(raw) != _PAYLOAD_BYTES + _MAC_BYTES:
        return None
    payload, mac = raw[:_PAYLOAD_BYTES], raw[_PAYLOAD_BYTES:]
    if not hmac.compare_digest(mac, _mac(secret, payload)):
        return None
    expires = datetime.fromtimestamp(int.from_bytes(payload[16:], "big"), UTC)
    return LinkToken(uuid.UUID(bytes=payload[:16]), expires)


def new_code() -> str:
    """A short code from letters that cannot be mistaken for one another (no 0/O, 1/I),
    grouped by three ("K7M-4QX") so it is easy to read out at the desk."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:3]}-{raw[3:]}"


def normalize_code(text: str) -> str | None:
    """The stored form of a code as typed ("k7m4qx", "K7M 4QX"), or None."""
    raw = "".join(ch for ch in (text or "").upper() if ch not in " -.")
    if len(raw) != CODE_LENGTH or any(ch not in ALPHABET for ch in raw):
        return None
    return f"{raw[:3]}-{raw[3:]}"
