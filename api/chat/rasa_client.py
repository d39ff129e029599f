"""HTTP client of the dialogue engine (Rasa's gateway channel, bot/channels/gateway.py).

Every call carries the shared secret RASA_TOKEN: as a bearer token on the channel's
webhook (the channel refuses a message without it) and as `?token=` on Rasa's HTTP
API (`rasa run --auth-token`, which reads only that query parameter). The action
server's /health is asked without it.

It fails closed when the engine's own dependencies are down, because Rasa does
not: its tracker store silently falls back to memory when Redis fails (a fresh
conversation that is then lost), and a custom action that cannot run produces
no reply and, repeated, trips Rasa's circuit breaker, after which that
conversation no longer answers even when the action server is back.
So before each turn the Redis that Rasa's tracker and lock stores live on
(`tracker_store`, when REDIS_URL is set: the same server) is pinged and the
action server's /health is asked, concurrently; after the turn Redis is pinged
again, and an empty answer is checked against the action server once more.
Any failure is a DialogueUnavailable: the gateway's "cannot answer now, 12333".
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import quote

import httpx
from redis.asyncio import Redis
from redis.exceptions import RedisError

PROBE_SECONDS = 1.0
WEBHOOK = "/webhooks/gateway/webhook"


def conversation_path(sender: str) -> str:
    """A sender id as Rasa's /conversations/<id>/… path segment.

    Rasa's server (Sanic) does not percent-decode path parameters: "web%3Aabc" would be a new,
    empty conversation, not "web:abc". So ":" stays as it is; the channels' ids ("web:<id>",
    "wx:<openid>", "sms:p<pseudonym>") hold no other character that needs quoting.
    """
    return quote(sender, safe=":")


class DialogueUnavailable(Exception):
    """Rasa could not be reached or answered with an error."""


class RasaClient:
    def __init__(
        self,
        base_url: str,
        *,
        token: str,
        timeout: float,
        transport: httpx.AsyncBaseTransport | None = None,
        tracker_store: Redis | None = None,
        action_server_url: str | None = None,
    ) -> None:
        self._http = httpx.AsyncClient(base_url=base_url.rstrip("/"), timeout=timeout, transport=transport)
        self._bearer = {"Authorization": f"Bearer {token}"}
        self._api_auth = {"token": token}
        self._tracker_store = tracker_store
        self._action_health = f"{action_server_url.rstrip('/')}/health" if action_server_url else None

    async def _require_tracker_store(self) -> None:
        if self._tracker_store is None:
            return
        try:
            await asyncio.wait_for(self._tracker_store.ping(), timeout=PROBE_SECONDS)
        except (RedisError, OSError, TimeoutError) as exc:
            raise DialogueUnavailable(f"tracker store (Redis) unreachable: {type(exc).__name__}") from exc

    async def _require_actions(self) -> None:
        if not await self._actions_up():
            raise DialogueUnavailable("action server unreachable")

    async def _actions_up(self) -> bool:
        if self._action_health is None:
            return True
        try:
            response = await self._http.get(self._action_health, timeout=PROBE_SECONDS)
        except httpx.HTTPError:
            return False
        return response.status_code == 200

    async def send(self, *, sender: str, text: str, metadata: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        # Never let Rasa start a throw-away in-memory conversation, or run actions that cannot run.
        await asyncio.gather(self._require_tracker_store(), self._require_actions())
        body = await self._post(sender=sender, text=text, metadata=metadata)
        await self._require_tracker_store()  # Redis failed during the turn: the reply may rest on a lost tracker
        if not any(isinstance(m, dict) and m.get("text") for m in body):
            await self._require_actions()  # it went away during the turn
        return body

    async def _post(self, *, sender: str, text: str, metadata: dict[str, Any] | None) -> list[dict[str, Any]]:
        payload = {"sender": sender, "message": text, "metadata": metadata or {}}
        try:
            response = await self._http.post(WEBHOOK, json=payload, headers=self._bearer)
        except httpx.HTTPError as exc:
            raise DialogueUnavailable(type(exc).__name__) from exc
        if response.status_code != 200:
            raise DialogueUnavailable(f"rasa http {response.status_code}")
        try:
            body = response.json()
        except ValueError as exc:
            raise DialogueUnavailable("rasa answered with invalid JSON") from exc
        return body if isinstance(body, list) else []

    async def restart(self, *, sender: str) -> bool:
        """Reset a conversation (Rasa's `restart` event): the way out when its state keeps
        predicting an action that fails, which otherwise answers nothing until the session expires."""
        path = f"/conversations/{conversation_path(sender)}/tracker/events"
        try:
            response = await self._http.post(
                path, params={"include_events": "NONE", **self._api_auth}, json={"event": "restart"}
            )
        except httpx.HTTPError:
            return False
        return response.status_code == 200

    async def is_ready(self) -> tuple[bool, str | None]:
        try:
            response = await self._http.get("/status", params=self._api_auth, timeout=3)
        except httpx.HTTPError as exc:
            return False, type(exc).__name__
        if response.status_code != 200:
            return False, f"http {response.status_code}"
        if not (response.json() or {}).get("model_file"):
            return False, "no model loaded"
        return True, None

    async def aclose(self) -> None:
        await self._http.aclose()
