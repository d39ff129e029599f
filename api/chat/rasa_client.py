"""HTTP client of the dialogue engine (Rasa's REST channel)."""

from __future__ import annotations

from typing import Any

import httpx


class DialogueUnavailable(Exception):
    """Rasa could not be reached or answered with an error."""


class RasaClient:
    def __init__(self, base_url: str, *, timeout: float, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self._http = httpx.AsyncClient(base_url=base_url.rstrip("/"), timeout=timeout, transport=transport)

    async def send(self, *, sender: str, text: str, metadata: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        payload = {"sender": sender, "message": text, "metadata": metadata or {}}
        try:
            response = await self._http.post("/webhooks/rest/webhook", json=payload)
        except httpx.HTTPError as exc:
            raise DialogueUnavailable(type(exc).__name__) from exc
        if response.status_code != 200:
            raise DialogueUnavailable(f"rasa http {response.status_code}")
        try:
            body = response.json()
        except ValueError as exc:
            raise DialogueUnavailable("rasa answered with invalid JSON") from exc
        return body if isinstance(body, list) else []

    async def is_ready(self) -> tuple[bool, str | None]:
        try:
            response = await self._http.get("/status", timeout=3)
        except httpx.HTTPError as exc:
            return False, type(exc).__name__
        if response.status_code != 200:
            return False, f"http {response.status_code}"
        if not (response.json() or {}).get("model_file"):
            return False, "no model loaded"
        return True, None

    async def aclose(self) -> None:
        await self._http.aclose()
