"""Rasa's calls to the action server on kept connections, not a new TCP connection per call.

Rasa 3.6's EndpointConfig.request (rasa/utils/endpoints.py) opens a new aiohttp ClientSession
(a new connector, so a new TCP connection) for every request and closes it after: every custom
action, two in a form's turn, paid a TCP set-up and tear-down in Rasa and in the action server.
Under bench/profile_stack.py, `TCPConnector._wrap_create_connection` alone was 4 % of the Rasa
process's samples in a typical turn. This replaces that one method with the same code on one
session per event loop, whose connections stay open between calls (docs/performance.md).

What does not change: the URL, headers, query parameters, basic auth, certificate, compression,
timeouts (the session's default is Rasa's DEFAULT_REQUEST_TIMEOUT, as Rasa's own session's),
errors and the returned JSON. No connection limit, as before (each call had its own connector).
The body, the whole tracker and domain, is the same JSON value written by ujson (which Rasa ships
and the action server's Sanic already reads and writes with) as UTF-8 rather than by the standard
library with \\u escapes: `json.dumps` of it was 6 % of Rasa's samples, ujson takes about half the
time (tests/actions/test_keepalive.py checks that the action server reads the same value).

A kept connection must never fail a call that a new one would not have:
- an idle connection is closed by this side after KEEPALIVE_SECONDS, well inside the action
  server's own limit (Sanic's KEEP_ALIVE_TIMEOUT, 5 s), so the server never closes one just as
  a call is sent on it;
- a connection whose server went away (an action server restarted) is seen closed by aiohttp
  and not reused (tests/faults/test_dialogue_dependencies.py stops and restarts the action
  server under a running Rasa). No call is retried: a retried action could file a ticket twice.

Installed when Rasa imports the gateway channel (bot/channels/gateway.py), like action_results:
every way of starting Rasa serves through that channel, which also closes the session when the
server stops. Rasa's version is pinned (bot/requirements.lock); if a later one changes what is
replaced here, install() leaves Rasa as it is and says so in the log
(tests/actions/test_keepalive.py fails first).
"""

from __future__ import annotations

import asyncio
import logging
import os
import ssl
from typing import Any

import aiohttp
import rasa
import ujson
from aiohttp.client_exceptions import ContentTypeError
from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT
from rasa.shared.exceptions import FileNotFoundException
from rasa.utils.endpoints import ClientResponseError, EndpointConfig, concat_url

logger = logging.getLogger(__name__)

KEEPALIVE_SECONDS = 2.0  # below the action server's (Sanic) 5 s keep-alive timeout
RASA_VERSION = "3.6."  # the request() copied below is 3.6's

_sessions: dict[asyncio.AbstractEventLoop, aiohttp.ClientSession] = {}
_original_request = EndpointConfig.request


def _json(value: Any) -> str:
    """A request body as JSON: ujson, "/" unescaped and non-ASCII as itself (aiohttp sends UTF-8)."""
    return ujson.dumps(value, ensure_ascii=False, escape_forward_slashes=False)


def _session() -> aiohttp.ClientSession:
    """The session of the running loop (an aiohttp session belongs to the loop it was made on)."""
    loop = asyncio.get_running_loop()
    session = _sessions.get(loop)
    if session is None or session.closed:
        for other in [other for other in _sessions if other.is_closed()]:
            del _sessions[other]  # loops that ended (tests): their sessions cannot be used or closed
        connector = aiohttp.TCPConnector(limit=0, keepalive_timeout=KEEPALIVE_SECONDS)
        session = aiohttp.ClientSession(
            connector=connector,
            timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
            json_serialize=_json,
        )
        _sessions[loop] = session
    return session


async def request(
    self: EndpointConfig,
    method: str = "post",
    subpath: str | None = None,
    content_type: str | None = "application/json",
    compress: bool = False,
    **kwargs: Any,
) -> Any | None:
    """EndpointConfig.request of Rasa 3.6, on the kept session (its headers and auth per request)."""
    headers = {}
    if content_type:
        headers["Content-Type"] = content_type
    if "headers" in kwargs:
        headers.update(kwargs["headers"])
        del kwargs["headers"]
    if self.headers:
        headers.update(self.headers)
    url = concat_url(self.url, subpath)
    sslcontext = None
    if self.cafile:
        try:
            sslcontext = ssl.create_default_context(cafile=self.cafile)
        except FileNotFoundError as e:
            raise FileNotFoundException(
                f"Failed to find certificate file, '{os.path.abspath(self.cafile)}' does not exist."
            ) from e
    # Rasa put these on its per-call session; a kept session carries them per request instead.
    auth = aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"]) if self.basic_auth else None
    async with _session().request(
        method,
        url,
        headers=headers,
        params=self.combine_parameters(kwargs),
        compress=compress,
        ssl=sslcontext,
        auth=auth,
        **kwargs,
    ) as response:
        if response.status >= 400:
            raise ClientResponseError(response.status, response.reason, await response.content.read())
        try:
            return await response.json()
        except ContentTypeError:
            return None


async def aclose() -> None:
    """Close the running loop's session and its connections (the Rasa server stopping)."""
    session = _sessions.pop(asyncio.get_running_loop(), None)
    if session is not None and not session.closed:
        await session.close()


def install() -> None:
    if EndpointConfig.request is request:
        return
    if not rasa.__version__.startswith(RASA_VERSION) or EndpointConfig.request is not _original_request:
        logger.warning("Rasa %s: action calls open a new connection each (keep-alive not installed)", rasa.__version__)
        return
    EndpointConfig.request = request  # type: ignore[method-assign]


__all__ = ["KEEPALIVE_SECONDS", "aclose", "install", "request"]
