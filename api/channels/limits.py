"""Size limits on what a channel accepts, checked before anything is parsed; the client's address."""

from __future__ import annotations

from functools import lru_cache
from ipaddress import IPv4Network, IPv6Network, ip_address, ip_network

from fastapi import Request

from api.channels.errors import BadContentLength, PayloadTooLarge, RateLimited
from api.channels.runtime import ChannelRuntime
from api.settings import Settings


async def read_limited_body(request: Request, limit: int) -> bytes:
    """The request body, refused with a 413 as soon as it exceeds `limit` bytes.

    The declared Content-Length is checked first; a chunked body is counted as it
    streams in, so an oversized upload is never held in memory whole.
    """
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            size = int(declared)
        except ValueError:
            raise BadContentLength() from None
        if size > limit:
            raise PayloadTooLarge(limit)
    chunks: list[bytes] = []
    total = 0
    async for chunk in request.stream():
        total += len(chunk)
        if total > limit:
            raise PayloadTooLarge(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def client_address(request: Request, trusted_proxies: list[str]) -> str:
    """The client's address: the peer, or, when the peer is a trusted proxy (nginx), the last
    address in X-Forwarded-For that is not itself a trusted proxy.

    From any other peer the header is ignored: a client cannot choose its own address.
    """
    peer = request.client.host if request.client else ""
    networks = _networks(tuple(trusted_proxies))
    if not networks or not _within(peer, networks):
        return peer
    hops = [h.strip() for h in request.headers.get("x-forwarded-for", "").split(",") if h.strip()]
    for hop in reversed(hops):
        if not _within(hop, networks):
            return hop if _is_address(hop) else peer
    return peer


@lru_cache(maxsize=8)
def _networks(items: tuple[str, ...]) -> tuple[IPv4Network | IPv6Network, ...]:
    return tuple(ip_network(item, strict=False) for item in items)


def _is_address(text: str) -> bool:
    try:
        ip_address(text)
    except ValueError:
        return False
    return True


def _within(text: str, networks: tuple[IPv4Network | IPv6Network, ...]) -> bool:
    try:
        address = ip_address(text)
    except ValueError:
        return False
    return any(address in network for network in networks)


async def limit_address(request: Request, route: str, *, settings: Settings, runtime: ChannelRuntime) -> str:
    """Count one request of the client's address on an anonymous route (429 beyond the limit)
    and return the address.

    Per address as well as per sender: a client that changes its sender id is still counted.
    Called in the route's body rather than as a dependency, so that what the route refuses
    first (a 404 in production, a query that does not validate) is not counted.
    """
    address = client_address(request, settings.trusted_proxies)
    limiter = runtime.ip_limiter
    if limiter is not None:
        refusal = await limiter.hit(f"{route}:{address}")
        if refusal is not None:
            raise RateLimited(refusal)
    return address
