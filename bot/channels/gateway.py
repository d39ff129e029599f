"""The only way a message reaches the assistant: the API's conversation gateway.

Rasa's own REST channel answers anyone who can reach the port, even when Rasa
runs with --auth-token (that token guards only the HTTP API). This channel is
the REST channel behind a shared secret: every request to its webhook must carry
`Authorization: Bearer <RASA_TOKEN>`, compared in constant time, or it is refused
with 401 before the body is read. The secret comes from bot/credentials.yml,
which takes it from the environment (`token: ${RASA_TOKEN}`); without one Rasa
does not start.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from . import action_results, event_types, keepalive, logmask

# Rasa imports this channel at start-up (credentials.yml): the one hook every way of starting it
# shares, so its logs are masked from before the first message (bot/channels/logmask.py says why),
# the action server's answers are checked on a schema compiled once (action_results.py), the
# action server is called on kept connections (keepalive.py) and stored events find their class
# in a table (event_types.py).
logmask.install()
action_results.install()
keepalive.install()
event_types.install()


class GatewayInput(RestInput):
    """POST /webhooks/gateway/webhook, as the REST channel, for holders of the secret only."""

    @classmethod
    def name(cls) -> str:
        return "gateway"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        token = str((credentials or {}).get("token") or "").strip()
        if not token:
            raise RasaException("gateway channel: set RASA_TOKEN (credentials.yml `token`); refusing to run open")
        return cls(token)

    def __init__(self, token: str) -> None:
        self._expected = f"Bearer {token}".encode()

    def authorized(self, request: Request) -> bool:
        return hmac.compare_digest(request.headers.get("authorization", "").encode(), self._expected)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = super().blueprint(on_new_message)

        # Blueprint middleware runs for this blueprint's routes only (Sanic ≥ 21.3), before the handler.
        @webhook.middleware("request")
        async def require_secret(request: Request) -> HTTPResponse | None:
            if request.method == "POST" and not self.authorized(request):
                return response.json({"error": "unauthorized"}, status=401)
            return None

        @webhook.listener("after_server_stop")
        async def close_action_connections(_app: Any, _loop: Any) -> None:
            await keepalive.aclose()  # the kept connections to the action server end with this server

        return webhook
