"""Forward an API request to its service and stream the answer back (uploads and the live
alert stream included), keeping the caller's Authorization and the client address."""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator

import httpx
from fastapi import Request
from fastapi.responses import StreamingResponse
from starlette.background import BackgroundTask

from luutru_common.problems import Problem
from luutru_console.assets import accepts_gzip

# Hop-by-hop headers (RFC 9110 §7.6.1), cookies (the console has none to give), and the
# forwarding headers: a client must not choose the address the services audit. The client's
# address (from a trusted proxy in front, LUUTRU_TRUSTED_PROXIES) replaces whatever it sent.
_DROP_REQUEST = {
    "host", "connection", "keep-alive", "te", "trailer", "upgrade", "proxy-authorization",
    "proxy-connection", "transfer-encoding", "cookie", "forwarded", "x-forwarded-for",
    "x-forwarded-host", "x-forwarded-proto", "x-forwarded-port", "x-real-ip",
}  # fmt: skip
_DROP_RESPONSE = {
    "connection", "keep-alive", "te", "trailer", "upgrade", "proxy-authenticate",
    "transfer-encoding", "set-cookie",
}  # fmt: skip
# API answers are data (JSON, CSV, XLSX, events), never pages: should one be opened as a
# page on the console's origin, where the tokens live, it may run nothing.
_API_ANSWER_HEADERS = {
    "content-security-policy": "default-src 'none'; frame-ancestors 'none'; sandbox",
    "x-content-type-options": "nosniff",
}
# Encoded dots, slashes and backslashes: the server decodes them, and '..' may then resolve.
_ENCODED = ("%2e", "%2f", "%5c", "\\")


# Answers worth compressing on the way back (lists, exports as text); never an event stream,
# which must reach the browser event by event, nor what is compressed already (XLSX, gzip).
_COMPRESSIBLE = ("application/json", "application/problem+json", "text/csv", "text/plain")
_MIN_COMPRESS = 1024
_NO_BODY = (204, 304)


def _compressible(request: Request, response: httpx.Response) -> bool:
    media = response.headers.get("content-type", "").split(";")[0].strip().lower()
    length = response.headers.get("content-length")
    return (
        media in _COMPRESSIBLE
        # No body may follow a 204 or 304 (FastAPI's 204 still names JSON): an empty gzip
        # stream is 20 bytes, and the server would break the answer off.
        and response.status_code not in _NO_BODY
        and request.method != "HEAD"
        and "content-encoding" not in response.headers
        and accepts_gzip(request.headers.get("accept-encoding", ""))
        and not (length is not None and length.isdigit() and int(length) < _MIN_COMPRESS)
    )


async def _gzipped(chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    """gzip as the answer streams: each upstream chunk is flushed as it comes (no buffering
    of the whole answer), the stream closed at the end."""
    packer = zlib.compressobj(6, zlib.DEFLATED, 31)
    async for chunk in chunks:
        out = packer.compress(chunk) + packer.flush(zlib.Z_SYNC_FLUSH)
        if out:
            yield out
    yield packer.flush()


def safe_path(raw_path: bytes) -> str | None:
    """The path as the client sent it, or None when it could climb out of the API prefix it
    names (a dot segment, or an encoded dot, slash or backslash)."""
    path = raw_path.decode("latin-1")
    if any(code in path.lower() for code in _ENCODED):
        return None
    if any(segment in (".", "..") for segment in path.split("/")):
        return None
    return path


def upstream_unavailable(service: str, exc: httpx.TransportError) -> Problem:
    """502 when a service did not answer the console (down, restarting, a dropped connection)."""
    return Problem(
        502,
        "upstream-unavailable",
        "Service unavailable",
        f"Dịch vụ {service} không phản hồi / The {service} service did not answer "
        f"({type(exc).__name__})",
    )


async def forward(
    request: Request, client: httpx.AsyncClient, base_url: str, service: str, path: str
) -> StreamingResponse:
    headers = [(k, v) for k, v in request.headers.items() if k.lower() not in _DROP_REQUEST]
    if request.client:
        headers.append(("x-forwarded-for", request.client.host))
    upstream = client.build_request(
        request.method,
        base_url + path,
        params=request.query_params.multi_items(),
        headers=headers,
        # A GET has no body to stream: reading one anyway raised ClientDisconnect when the
        # browser closed an event stream (logged as an unhandled error).
        content=None if request.method in ("GET", "HEAD") else request.stream(),
    )
    try:
        response = await client.send(upstream, stream=True)
    except httpx.TransportError as exc:
        raise upstream_unavailable(service, exc) from exc
    answer = {k: v for k, v in response.headers.items() if k.lower() not in _DROP_RESPONSE}
    body = response.aiter_raw()
    if _compressible(request, response):
        body = _gzipped(body)
        answer = {k: v for k, v in answer.items() if k.lower() != "content-length"}
        if answer.get("etag", "W/").startswith('"'):  # other bytes: the same content at most
            answer["etag"] = "W/" + answer["etag"]
        answer["content-encoding"] = "gzip"
        answer["vary"] = ", ".join(filter(None, [answer.pop("vary", ""), "accept-encoding"]))
    return StreamingResponse(
        body,
        status_code=response.status_code,
        headers={**answer, **_API_ANSWER_HEADERS},
        background=BackgroundTask(response.aclose),
    )
