"""The API client: calls do not block the event loop, connections are kept and closed cleanly."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from actions import api_client
from tests.actions.conftest import run

DELAY = 0.4


class _SlowKeepAliveApi(BaseHTTPRequestHandler):
    """Answers after DELAY seconds, over HTTP/1.1 keep-alive; records each call's client port."""

    protocol_version = "HTTP/1.1"
    ports: list[int]

    def do_GET(self) -> None:
        self.ports.append(self.client_address[1])
        time.sleep(DELAY)
        body = b'{"regions": []}'
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def slow_api(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    ports: list[int] = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), type("H", (_SlowKeepAliveApi,), {"ports": ports}))
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    monkeypatch.setenv("API_URL", f"http://127.0.0.1:{server.server_port}")
    yield ports
    server.shutdown()
    server.server_close()


def test_a_slow_call_does_not_hold_up_another_conversation(slow_api: list[int]) -> None:
    async def two_conversations() -> float:
        started = time.perf_counter()
        await asyncio.gather(api_client.call("GET", "/v1/regions"), api_client.call("GET", "/v1/regions"))
        return time.perf_counter() - started

    elapsed = run(two_conversations())
    # One after the other (a blocking client on the server's one loop) would take 2 × DELAY.
    assert elapsed < 1.6 * DELAY, f"calls ran one after the other: {elapsed:.2f} s"
    assert len(slow_api) == 2


def test_calls_in_turn_reuse_one_connection(slow_api: list[int]) -> None:
    async def three_calls() -> None:
        for _ in range(3):
            await api_client.call("GET", "/v1/regions")

    run(three_calls())
    assert len(slow_api) == 3 and len(set(slow_api)) == 1  # one TCP connection, kept alive


def test_closing_ends_the_session_and_the_next_call_opens_another(slow_api: list[int]) -> None:
    async def call_close_call() -> tuple[bool, bool]:
        await api_client.call("GET", "/v1/regions")
        first = api_client._session
        await api_client.aclose()
        closed = first is not None and first.closed
        await api_client.call("GET", "/v1/regions")
        return closed, api_client._session is not first

    assert run(call_close_call()) == (True, True)
    assert api_client._session is None  # run() closed it at the end, as the server does on stop
