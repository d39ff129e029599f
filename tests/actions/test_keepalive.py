"""bot/channels/keepalive.py: Rasa's calls to the action server reuse one connection, and send
and answer exactly what Rasa's own EndpointConfig.request does."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml
from channels import keepalive
from rasa.utils.endpoints import ClientResponseError, EndpointConfig

ROOT = Path(__file__).resolve().parents[2]
TRACKERS = ROOT / "tests" / "actions" / "trackers"
DOMAIN = yaml.safe_load((ROOT / "bot" / "domain.yml").read_text(encoding="utf-8"))


@dataclass
class Seen:
    peers: list[tuple[str, int]] = field(default_factory=list)  # client address of each request
    requests: list[dict[str, Any]] = field(default_factory=list)


class ActionServer:
    """An HTTP/1.1 server (keep-alive, as Sanic) answering POST /webhook with what it was sent."""

    def __init__(self, port: int = 0) -> None:
        self.seen = Seen()
        seen = self.seen
        self.connections: list[socket.socket] = []
        connections = self.connections

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                connections.append(self.connection)

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("content-length") or 0))
                seen.peers.append(self.client_address)
                seen.requests.append(
                    {"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}, "body": raw}
                )
                status = 400 if self.path.startswith("/reject") else 200
                body = json.dumps({"events": [], "responses": [{"text": "您好"}], "got": json.loads(raw)}).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_port
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()

    def stop(self) -> None:
        """As the process ending would: the listening socket and every open connection closed."""
        self.server.shutdown()
        self.server.server_close()
        for connection in self.connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
            connection.close()


@pytest.fixture
def server() -> Iterator[ActionServer]:
    running = ActionServer()
    yield running
    running.stop()


def endpoint(server: ActionServer, path: str = "/webhook", **extra: Any) -> EndpointConfig:
    extra.setdefault("headers", {"Authorization": "Bearer s3cret"})
    return EndpointConfig(f"http://127.0.0.1:{server.port}{path}", **extra)


def calls(config: EndpointConfig, bodies: list[dict[str, Any]], *, through: Any) -> list[Any]:
    """POST each body as RemoteAction.run does, one after another on one event loop."""

    async def run() -> list[Any]:
        try:
            return [await through(config, json=b, method="post", timeout=5) for b in bodies]
        finally:
            await keepalive.aclose()

    return asyncio.run(run())


def test_installed_by_the_gateway_channel() -> None:
    import channels.gateway  # noqa: F401 - importing it is what Rasa does at start-up

    assert EndpointConfig.request is keepalive.request


def test_calls_share_one_connection(server: ActionServer) -> None:
    answers = calls(endpoint(server), [{"next_action": f"action_{n}"} for n in range(4)], through=keepalive.request)
    assert [a["got"]["next_action"] for a in answers] == [f"action_{n}" for n in range(4)]
    assert len(set(server.seen.peers)) == 1, server.seen.peers


def test_rasas_own_request_opens_a_connection_per_call(server: ActionServer) -> None:
    """What the patch removes (so the test above can fail): Rasa 3.6 connects anew every call."""
    calls(endpoint(server), [{"n": n} for n in range(3)], through=keepalive._original_request)
    assert len(set(server.seen.peers)) == 3


@pytest.mark.parametrize(
    "extra",
    [
        {},
        {"params": {"a": "1"}, "token": "tok"},
        {"headers": None, "basic_auth": {"username": "u", "password": "p"}},
    ],
)
def test_sends_and_answers_as_rasa_does(server: ActionServer, extra: dict[str, Any]) -> None:
    config = endpoint(server, **extra)
    body = {"next_action": "action_answer_question", "tracker": {"latest_message": {"text": "失业金怎么领"}}}
    theirs = calls(config, [body], through=keepalive._original_request)
    ours = calls(config, [body], through=keepalive.request)
    assert ours == theirs
    sent_theirs, sent_ours = server.seen.requests
    assert sent_ours["path"] == sent_theirs["path"]
    assert json.loads(sent_ours["body"]) == json.loads(sent_theirs["body"]) == body
    for header in ("authorization", "content-type"):
        assert sent_ours["headers"].get(header) == sent_theirs["headers"].get(header), header
    assert sent_ours["headers"].get("authorization")


def test_a_tracker_and_domain_arrive_as_the_same_value(server: ActionServer) -> None:
    """The body is written by ujson: what the action server reads is what the standard library sent."""
    tracker = json.loads((TRACKERS / "two_policy_turns.json").read_text(encoding="utf-8"))
    tracker["events"] = tracker.get("events") or []
    tracker["events"].append({"event": "slot", "timestamp": 1764843845.123456, "name": "x", "value": "a/b\u2028"})
    body = {"next_action": "action_answer_question", "tracker": tracker, "domain": DOMAIN, "version": "3.6.21"}
    calls(endpoint(server), [body], through=keepalive._original_request)
    calls(endpoint(server), [body], through=keepalive.request)
    theirs, ours = (json.loads(r["body"]) for r in server.seen.requests)
    assert ours == theirs == body
    assert server.seen.requests[1]["headers"]["content-type"] == "application/json"


def test_basic_auth_beside_an_authorization_header_is_refused_as_by_rasa(server: ActionServer) -> None:
    config = endpoint(server, basic_auth={"username": "u", "password": "p"})
    for through in (keepalive._original_request, keepalive.request):
        with pytest.raises(ValueError, match="Cannot combine AUTHORIZATION header"):
            calls(config, [{"n": 1}], through=through)
    assert server.seen.requests == []


def test_an_error_is_raised_as_rasa_raises_it(server: ActionServer) -> None:
    config = endpoint(server, "/reject")
    with pytest.raises(ClientResponseError) as theirs:
        calls(config, [{"next_action": "x"}], through=keepalive._original_request)
    with pytest.raises(ClientResponseError) as ours:
        calls(config, [{"next_action": "x"}], through=keepalive.request)
    assert (ours.value.status, ours.value.text) == (theirs.value.status, theirs.value.text) == (400, theirs.value.text)


def test_a_restarted_action_server_is_reached_on_a_new_connection() -> None:
    """A kept connection to a server that went away is not reused: the next call does not fail."""
    first = ActionServer()
    port = first.port
    config = endpoint(first)

    async def run() -> list[Any]:
        try:
            answers = [await keepalive.request(config, json={"n": 1}, method="post", timeout=5)]
            first.stop()  # closes the kept connection, as a stopped process would
            await asyncio.sleep(0.2)
            second = ActionServer(port)
            try:
                answers.append(await keepalive.request(config, json={"n": 2}, method="post", timeout=5))
            finally:
                second.stop()
            return answers
        finally:
            await keepalive.aclose()

    answers = asyncio.run(run())
    assert [a["got"]["n"] for a in answers] == [1, 2]


def test_idle_connections_close_before_the_action_servers_do() -> None:
    # Sanic's KEEP_ALIVE_TIMEOUT (the action server, rasa-sdk) is 5 s unless configured.
    from sanic.config import DEFAULT_CONFIG

    assert DEFAULT_CONFIG["KEEP_ALIVE_TIMEOUT"] > keepalive.KEEPALIVE_SECONDS
