"""The action server's client of the API (its dialogue token, API_TOKEN, from the environment).

Read per call from the environment, not at import, so the server starts
without side effects and tests can point it elsewhere. A call about a claimant
names the conversation's sender (`sender=`, the X-Claimant-Sender header): the
API then answers only about the claim that sender has verified to, whatever the
tracker's slots say.
"""

from __future__ import annotations

import os
from contextvars import ContextVar
from typing import Any

import requests


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


def _headers(sender: str | None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {os.environ.get('API_TOKEN', 'dev-dialogue-token')}"}
    if sender:
        headers[SENDER_HEADER] = sender
    if request_id := current_request_id.get():
        headers[REQUEST_ID_HEADER] = request_id
    return headers


def call(
    method: str,
    path: str,
    *,
    json: Any = None,
    params: dict[str, Any] | None = None,
    sender: str | None = None,
    timeout: float = 8.0,
) -> Any:
    try:
        response = requests.request(
            method, _base() + path, json=json, params=params, headers=_headers(sender), timeout=timeout
        )
    except requests.RequestException as exc:
        raise ApiUnavailable(type(exc).__name__) from exc
    if response.status_code >= 500:
        raise ApiUnavailable(f"http {response.status_code}")
    body = response.json() if response.content else None
    if response.status_code >= 400:
        error = (body or {}).get("error", {}) if isinstance(body, dict) else {}
        raise ApiError(response.status_code, error.get("code", ""), error.get("message", "请求未能处理"), error)
    return body
