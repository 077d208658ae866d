"""The client's address, taken from ``X-Forwarded-For`` only when the peer is a proxy we
trust: the console and the reverse proxies listed in ``LUUTRU_TRUSTED_PROXIES`` (addresses or
networks, comma-separated; compose and Kubernetes set them). From anyone else the header is
ignored, so no client chooses the address the audit log and the login back-off record.

Replaces uvicorn's ``proxy_headers`` with ``FORWARDED_ALLOW_IPS="*"``, which believed any peer.
The header is read from the right: each trusted proxy appends the address it saw, so the
rightmost address not itself a trusted proxy is the client.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from starlette.types import ASGIApp, Receive, Scope, Send

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# How long an API keeps an idle connection for the proxy in front of it (the console, a
# Gateway), and how long the console reuses one: shorter, so the console never sends a
# request down a connection the API is closing that instant. With both at 5 s (uvicorn's and
# httpx's defaults) a sign-in through the console failed now and then with a read error.
SERVER_KEEP_ALIVE_S = 30
PROXY_KEEP_ALIVE_S = 10


def parse_networks(spec: str | Iterable[str]) -> tuple[Network, ...]:
    """Networks from a comma-separated setting or a list; blank items ignored, host bits allowed."""
    items = spec.split(",") if isinstance(spec, str) else spec
    return tuple(ipaddress.ip_network(i.strip(), strict=False) for i in items if i.strip())


def _trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in n for n in networks)


def client_address(peer: str, forwarded_for: str | None, networks: tuple[Network, ...]) -> str:
    """The client's address given the peer and its X-Forwarded-For header."""
    if not forwarded_for or not _trusted(peer, networks):
        return peer
    hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, networks):
            return hop if _is_address(hop) else peer  # garbage from a proxy: keep the peer
    return hops[0] if hops else peer


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


class TrustedProxyMiddleware:
    """Pure ASGI: sets ``scope["client"]`` from X-Forwarded-For of trusted peers only."""

    def __init__(self, app: ASGIApp, *, trusted: str | Iterable[str]) -> None:
        self.app = app
        self.networks = parse_networks(trusted)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and scope.get("client"):
            forwarded = [v for k, v in scope.get("headers", ()) if k == b"x-forwarded-for"]
            peer = scope["client"][0]
            header = b",".join(forwarded).decode("latin-1") if forwarded else None
            address = client_address(peer, header, self.networks)
            if address != peer:
                scope = {**scope, "client": (address, 0)}
        await self.app(scope, receive, send)
