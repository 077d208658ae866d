"""Which service answers which API path — the same split as the services' OpenAPI documents.

The console is one origin for the browser: it forwards ``/v1/...`` to the service that owns
the path, unchanged, with the caller's own token. It adds no logic of its own, so every rule
(roles, scopes, privacy, audit) stays in the services.
"""

from __future__ import annotations

# Longest prefix wins; a prefix matches a whole path segment ("/v1/stays" not "/v1/staysx").
API_PREFIXES: dict[str, str] = {
    "/.well-known/jwks.json": "accounts",
    "/v1/auth": "accounts",
    "/v1/password-policy": "accounts",
    "/v1/facilities": "accounts",
    "/v1/facility-types": "accounts",
    "/v1/provinces": "accounts",
    "/v1/countries": "accounts",
    "/v1/roles": "accounts",
    "/v1/visa-types": "accounts",
    "/v1/users": "accounts",
    "/v1/clients": "accounts",
    "/v1/audit": "accounts",
    "/v1/stays": "ingest",
    "/v1/qr": "ingest",
    "/v1/uploads": "ingest",
    "/v1/templates": "ingest",
    "/v1/trips": "ingest",
    "/v1/rooms": "ingest",
    "/v1/pre-registrations": "ingest",
    "/v1/guest-links": "ingest",
    "/v1/feeds": "analytics",
    "/v1/police": "analytics",
    "/v1/watchlist": "analytics",
    "/v1/alerts": "analytics",
    "/v1/compliance": "analytics",
}
_ORDERED = sorted(API_PREFIXES.items(), key=lambda item: len(item[0]), reverse=True)


def service_for(path: str) -> str | None:
    """The service that owns ``path``, or None when no API has it."""
    for prefix, service in _ORDERED:
        if path == prefix or path.startswith(prefix + "/"):
            return service
    return None
