"""One id per request, so that every log line of one chat turn can be found together.

The id arrives as X-Request-ID (from nginx, a caller, or the action server repeating the id
the gateway gave Rasa), or is made here; it is echoed on the response and kept in a context
variable that the log-record factory (api/privacy.py) copies onto every record. A pure ASGI
middleware rather than BaseHTTPMiddleware: the route runs in the same context, so the id set
here is the one its log lines (and those of its threadpool work, which copies the context) see.
"""

from __future__ import annotations

import base64
import re
import secrets
from contextvars import ContextVar

from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADER = "X-Request-ID"
# Bounded and plain, so a caller cannot put newlines, JSON or megabytes into every log line.
_VALID = re.compile(r"[A-Za-z0-9._-]{1,64}")

_current: ContextVar[str | None] = ContextVar("request_id", default=None)


def current_request_id() -> str | None:
    return _current.get()


def accept_or_new(value: str | None) -> str:
    """The caller's id when it is ≤ 64 characters of [A-Za-z0-9._-], else a new one."""
    if value and _VALID.fullmatch(value):
        return value
    return new_request_id()


def new_request_id() -> str:
    """26 characters of base32 (a-z, 2-7), 128 random bits.

    Not hex: a uuid's 32 hex digits hold an 11-digit run that reads as a mobile number about once
    in a few thousand ids, and the log masker would then mask part of the id (and the PII scan
    of the logs would flag it). Base32 has no 0, 1, 8 or 9, so no id looks like a phone or an
    ID number.
    """
    return base64.b32encode(secrets.token_bytes(16)).decode().rstrip("=").lower()


class RequestIdMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = None
        for name, value in scope.get("headers", []):
            if name == b"x-request-id":
                incoming = value.decode("latin-1")
                break
        request_id = accept_or_new(incoming)
        token = _current.set(request_id)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"x-request-id"]
                message["headers"] = [*headers, (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            _current.reset(token)
