"""The action server's client of the API (its dialogue token, API_TOKEN, from the environment).

Read per call from the environment, not at import, so the server starts
without side effects and tests can point it elsewhere. A call about a claimant
names the conversation's sender (`sender=`, the X-Claimant-Sender header): the
API then answers only about the claim that sender has verified to, whatever the
tracker's slots say.

Calls are asynchronous on the server's event loop: rasa-sdk awaits each action's
`run` on that one loop, so a blocking call (as `requests` made) stalled every
conversation's action behind the slowest API answer. One aiohttp session per
event loop keeps connections to the API open between turns (no TCP set-up per
call); it is made on first use, not at import, and `aclose()` ends it (the
server calls it when it stops, actions/server.py). aiohttp is what Rasa itself
ships (bot/requirements.lock has no httpx); yarl is its URL type.
"""

from __future__ import annotations

import asyncio
import json as jsonlib
import os
from contextvars import ContextVar
from typing import Any

import aiohttp
from yarl import URL


class ApiUnavailable(Exception):
    """The API could not be reached or failed; the action tells the claimant and offers 12333."""


class ApiError(Exception):
    """The API refused the request (4xx); `message` is its Chinese explanation."""

    def __init__(self, status: int, code: str, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        # The rest of the error object (e.g. retry_at of a lockout).
        self.details = details or {}


def _base() -> str:
    return os.environ.get("API_URL", "http://127.0.0.1:8000").rstrip("/")


SENDER_HEADER = "X-Claimant-Sender"
REQUEST_ID_HEADER = "X-Request-ID"
# The request id of the turn being run (the gateway put it in the message metadata; the server's
# middleware, actions/server.py, sets it per /webhook call), repeated on every API call so that
# the API logs the turn's calls under the id of the chat request that caused them. Actions run
# their `run` on the server's event loop, in the request's context, so a context variable carries it.
current_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)

# Connections kept per action-server process: enough for every conversation the process runs at
# once (a turn makes its calls one after another); an idle one is closed after KEEPALIVE seconds,
# well inside uvicorn's own keep-alive limit so the API never closes one under a request.
MAX_CONNECTIONS = 64
KEEPALIVE_SECONDS = 4.0

_session: aiohttp.ClientSession | None = None
_session_loop: asyncio.AbstractEventLoop | None = None


def _headers(sender: str | None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {os.environ.get('API_TOKEN', 'dev-dialogue-token')}"}
    if sender:
        headers[SENDER_HEADER] = sender
    if request_id := current_request_id.get():
        headers[REQUEST_ID_HEADER] = request_id
    return headers


def _client() -> aiohttp.ClientSession:
    """The session of the running loop (a session cannot be used from another loop)."""
    global _session, _session_loop
    loop = asyncio.get_running_loop()
    if _session is None or _session.closed or _session_loop is not loop:
        connector = aiohttp.TCPConnector(limit=MAX_CONNECTIONS, keepalive_timeout=KEEPALIVE_SECONDS)
        _session, _session_loop = aiohttp.ClientSession(connector=connector), loop
    return _session


async def aclose() -> None:
    """Close the shared session and its connections (server stop; the end of a test)."""
    global _session, _session_loop
    session, _session, _session_loop = _session, None, None
    if session is not None and not session.closed:
        await session.close()


async def call(
    method: str,
    path: str,
    *,
    json: Any = None,
    params: dict[str, Any] | None = None,
    sender: str | None = None,
    timeout: float = 8.0,
) -> Any:
    try:
        async with _client().request(
            method,
            # Paths arrive quoted (a sender id in one is quote()d whole): sent as they are, not re-quoted.
            URL(_base() + path, encoded=True),
            json=json,
            params=params,
            headers=_headers(sender),
            timeout=aiohttp.ClientTimeout(total=timeout),
        ) as response:
            status, content = response.status, await response.read()
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise ApiUnavailable(type(exc).__name__) from exc
    if status >= 500:
        raise ApiUnavailable(f"http {status}")
    try:
        body = jsonlib.loads(content) if content else None
    except ValueError as exc:  # not the API answering (a proxy's page): as good as unreachable
        raise ApiUnavailable("invalid JSON") from exc
    if status >= 400:
        error = (body or {}).get("error", {}) if isinstance(body, dict) else {}
        raise ApiError(status, error.get("code", ""), error.get("message", "请求未能处理"), error)
    return body
