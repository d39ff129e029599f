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
So a turn is refused while the Redis that Rasa's tracker and lock stores live on
(`tracker_store`, when REDIS_URL is set: the same server) or the action server's
/health is down. Whether they are is kept by a background probe (api/chat/health.py),
not asked before each turn; a verdict more than a second old is re-checked by the turn.
After the turn Redis is pinged again (Rasa's channel answers 200 with whatever it had
when its tracker store failed mid-turn, so only a fresh ping shows that the reply may
rest on a lost tracker), and an empty answer is checked against the action server.
Any failure is a DialogueUnavailable: the gateway's "cannot answer now, 12333".
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import quote

import httpx
from redis.asyncio import Redis
from redis.exceptions import RedisError

from api.chat.health import Check, DependencyHealth

PROBE_SECONDS = 1.0
TRACKER_STORE, ACTIONS = "tracker_store", "action_server"
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
        checks: dict[str, Check] = {}
        if tracker_store is not None:
            checks[TRACKER_STORE] = self._tracker_store_problem
        if self._action_health is not None:
            checks[ACTIONS] = self._actions_problem
        self.health = DependencyHealth(checks)

    async def _tracker_store_problem(self) -> str | None:
        assert self._tracker_store is not None
        try:
            await asyncio.wait_for(self._tracker_store.ping(), timeout=PROBE_SECONDS)
        except (RedisError, OSError, TimeoutError) as exc:
            return f"tracker store (Redis) unreachable: {type(exc).__name__}"
        return None

    async def _actions_problem(self) -> str | None:
        assert self._action_health is not None
        try:
            response = await self._http.get(self._action_health, timeout=PROBE_SECONDS)
        except httpx.HTTPError:
            return "action server unreachable"
        return None if response.status_code == 200 else f"action server unreachable: http {response.status_code}"

    def start_health_probe(self) -> None:
        """Keep the dependencies' verdicts fresh in the background (the API's lifespan starts it)."""
        self.health.start()

    async def send(self, *, sender: str, text: str, metadata: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        # Never let Rasa start a throw-away in-memory conversation, or run actions that cannot run.
        if problems := await self.health.require():
            raise DialogueUnavailable("; ".join(problems))
        body = await self._post(sender=sender, text=text, metadata=metadata)
        if self._tracker_store is not None and (problem := await self.health.probe_now(TRACKER_STORE)):
            raise DialogueUnavailable(problem)  # Redis failed during the turn: the reply may rest on a lost tracker
        answered = any(isinstance(m, dict) and m.get("text") for m in body)
        if not answered and self._action_health is not None and (problem := await self.health.probe_now(ACTIONS)):
            raise DialogueUnavailable(problem)  # it went away during the turn
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
        await self.health.stop()
        await self._http.aclose()
