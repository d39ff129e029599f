"""Fixtures for action tests: saved tracker states, the domain, and a stand-in API.

The stand-in is a real HTTP server on a free local port (the actions' client is
unchanged); each test tells it what to answer per route and reads what it was sent.
Actions are coroutines: `run(...)` awaits one on a fresh event loop, as the action
server's loop would, and closes the shared API session after it, as the server does
when it stops (a session left open would be reported by aiohttp as unclosed).
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
from collections.abc import Awaitable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import api_client

ROOT = Path(__file__).resolve().parents[2]
TRACKERS = Path(__file__).resolve().parent / "trackers"
T = TypeVar("T")


def run(awaitable: Awaitable[T]) -> T:
    """An action's coroutine (run, validate_…, the API client's call) awaited to its result."""

    async def until_done() -> T:
        try:
            return await awaitable
        finally:
            await api_client.aclose()

    return asyncio.run(until_done())


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class FakeApi:
    url: str = ""
    routes: list[tuple[str, re.Pattern[str], Any]] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)

    def on(self, method: str, path_pattern: str, status: int, body: Any = None) -> None:
        """Answer `method` on paths matching `path_pattern` (a regex) with `status` and `body`.

        `body` may be a callable taking the Request and returning (status, body).
        """
        self.routes.insert(0, (method, re.compile(f"^{path_pattern}$"), (status, body)))

    def answer(self, request: Request) -> tuple[int, Any]:
        for method, pattern, reply in self.routes:
            if method == request.method and pattern.match(request.path):
                status, body = reply
                return body(request) if callable(body) else (status, body)
        return 404, {"error": {"code": "not_found", "message": "没有这个地址"}}

    def sent(self, method: str, path_pattern: str) -> list[Request]:
        pattern = re.compile(f"^{path_pattern}$")
        return [r for r in self.requests if r.method == method and pattern.match(r.path)]


def _handler(api: FakeApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(length) if length else b""
            request = Request(
                self.command,
                parts.path,
                parse_qs(parts.query),
                json.loads(raw) if raw else None,
                {k.lower(): v for k, v in self.headers.items()},
            )
            api.requests.append(request)
            status, body = api.answer(request)
            payload = json.dumps(body, ensure_ascii=False).encode() if body is not None else b""
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = _serve

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeApi]:
    fake = FakeApi()
    server = HTTPServer(("127.0.0.1", 0), _handler(fake))
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    fake.url = f"http://127.0.0.1:{server.server_port}"
    monkeypatch.setenv("API_URL", fake.url)
    yield fake
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "bot" / "domain.yml").read_text(encoding="utf-8"))


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


def load_tracker(name: str, **changes: Any) -> Tracker:
    """A saved tracker state (tests/actions/trackers/<name>.json), optionally with other slots/text."""
    state = json.loads((TRACKERS / f"{name}.json").read_text(encoding="utf-8"))
    state["slots"].update(changes.pop("slots", {}))
    if "text" in changes:
        state["latest_message"]["text"] = changes.pop("text")
    if "intent" in changes:
        state["latest_message"]["intent"] = {"name": changes.pop("intent"), "confidence": 0.99}
    state.update(changes)
    return Tracker.from_dict(state)


def texts(dispatcher: CollectingDispatcher, domain: dict[str, Any]) -> list[str]:
    """What the claimant would read: texts, and responses rendered with their values."""
    out = []
    for message in dispatcher.messages:
        if message.get("text"):
            out.append(message["text"])
        elif message.get("response"):
            template = domain["responses"][message["response"]][0]["text"]
            values = {k: v for k, v in message.items() if k not in ("response", "text")}
            try:
                out.append(template.format(**values))
            except KeyError:
                out.append(template)
    return out


def responses(dispatcher: CollectingDispatcher) -> list[str]:
    return [m["response"] for m in dispatcher.messages if m.get("response")]


def slots(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
