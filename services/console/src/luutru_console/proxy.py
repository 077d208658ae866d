"""Forward an API request to its service and stream the answer back (uploads and the live
alert stream included), keeping the caller's Authorization and the client address."""

from __future__ import annotations

import httpx
from fastapi import Request
from fastapi.responses import StreamingResponse
from starlette.background import BackgroundTask

from luutru_common.problems import Problem

# Hop-by-hop headers (RFC 9110 §7.6.1) and those the proxy sets itself.
_DROP_REQUEST = {
    "host",
    "connection",
    "keep-alive",
    "te",
    "trailer",
    "upgrade",
    "proxy-authorization",
    "proxy-connection",
    "transfer-encoding",
    "cookie",
}
_DROP_RESPONSE = {
    "connection",
    "keep-alive",
    "te",
    "trailer",
    "upgrade",
    "proxy-authenticate",
    "transfer-encoding",
    "set-cookie",
}


def _forwarded_for(request: Request) -> str:
    client = request.client.host if request.client else ""
    earlier = request.headers.get("x-forwarded-for")
    return f"{earlier}, {client}" if earlier and client else (earlier or client)


async def forward(request: Request, client: httpx.AsyncClient, base_url: str, service: str):
    headers = [
        (k, v)
        for k, v in request.headers.items()
        if k.lower() not in _DROP_REQUEST and k.lower() != "x-forwarded-for"
    ]
    headers.append(("x-forwarded-for", _forwarded_for(request)))
    upstream = client.build_request(
        request.method,
        base_url + request.url.path,
        params=request.query_params.multi_items(),
        headers=headers,
        content=request.stream(),
    )
    try:
        response = await client.send(upstream, stream=True)
    except httpx.TransportError as exc:
        raise Problem(
            502,
            "upstream-unavailable",
            "Service unavailable",
            f"Dịch vụ {service} không phản hồi / The {service} service did not answer "
            f"({type(exc).__name__})",
        ) from exc
    return StreamingResponse(
        response.aiter_raw(),
        status_code=response.status_code,
        headers={k: v for k, v in response.headers.items() if k.lower() not in _DROP_RESPONSE},
        background=BackgroundTask(response.aclose),
    )
