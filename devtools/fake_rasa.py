"""A stand-in for Rasa's gateway channel on a real socket, for tests and benchmarks.

    with FakeRasa(delay=5.0) as rasa:      # answers every message after 5 s
        settings.rasa_url = rasa.url
        ...
        rasa.calls                          # [(sender, message, metadata), ...]
        rasa.request_ids                    # the metadata's request_id of each call, in order

It answers POST /webhooks/gateway/webhook with one text ("已收到：<message>"),
GET /status like a loaded model and GET /health like a running action server.
Like the real one it wants the shared secret (RASA_TOKEN, `token=`): a bearer token
on the webhook, `?token=` on the HTTP API; without it, 401.
Run alone: python -m devtools.fake_rasa [port] [delay] (the secret from RASA_TOKEN).
"""

from __future__ import annotations

import hmac
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

WEBHOOK = "/webhooks/gateway/webhook"
DEV_RASA_TOKEN = "dev-rasa-token"


class _Server(ThreadingHTTPServer):
    # Fifty conversations at once (bench/outbound.py): the default listen backlog of 5 would reset
    # connections that the real engine would accept, and the gateway would answer "unavailable".
    request_queue_size = 128
    daemon_threads = True


class FakeRasa:
    def __init__(
        self,
        *,
        delay: float = 0.0,
        port: int = 0,
        reply: str | None = "已收到：{message}",
        token: str = DEV_RASA_TOKEN,
        buttons: list[dict[str, str]] | None = None,
    ) -> None:
        self.delay = delay
        # Rasa's buttons ({"title", "payload"}) sent with every reply, as a response with buttons does.
        self.buttons = buttons
        self.token = token
        self.refused = 0  # requests without the secret
        # None: answer with no message at all, as Rasa does when a custom action fails.
        self.reply = reply
        self.calls: list[tuple[str, str, dict[str, Any]]] = []
        # Kept apart from `calls`: the gateway adds a fresh request id to every turn's metadata,
        # and the tests that compare the rest of the metadata should not each have to drop it.
        self.request_ids: list[str | None] = []
        # (path, body) of POSTs to Rasa's HTTP API (/conversations/<id>/tracker/events).
        self.tracker_events: list[tuple[str, Any]] = []
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes; with Nagle's algorithm the second waits for the
            # client's delayed ACK (40 ms on Linux), a delay real Rasa does not have.
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _send(self, status: int, body: Any) -> None:
                data = json.dumps(body, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _authorized(self, *, bearer: bool) -> bool:
                if bearer:
                    given = self.headers.get("authorization", "")
                    wanted = f"Bearer {fake.token}"
                else:
                    given = (parse_qs(urlsplit(self.path).query).get("token") or [""])[0]
                    wanted = fake.token
                if hmac.compare_digest(given.encode(), wanted.encode()):
                    return True
                with fake._lock:
                    fake.refused += 1
                self._send(401, {"error": "unauthorized"})
                return False

            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                if path == "/status":
                    if self._authorized(bearer=False):
                        self._send(200, {"model_file": "fake.tar.gz"})
                elif path == "/health":  # also stands in for the action server's health
                    self._send(200, {"status": "ok"})
                else:
                    self._send(404, {})

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", "0"))
                payload = json.loads(self.rfile.read(length) or b"{}")
                path = urlsplit(self.path).path
                if path.startswith("/conversations/"):
                    if not self._authorized(bearer=False):
                        return
                    with fake._lock:
                        fake.tracker_events.append((self.path, payload))
                    self._send(200, {})
                    return
                if path != WEBHOOK:
                    self._send(404, {})
                    return
                if not self._authorized(bearer=True):
                    return
                sender, message = str(payload.get("sender", "")), str(payload.get("message", ""))
                metadata = dict(payload.get("metadata") or {})
                with fake._lock:
                    fake.request_ids.append(metadata.pop("request_id", None))
                    fake.calls.append((sender, message, metadata))
                if fake.delay:
                    time.sleep(fake.delay)
                if fake.reply is None:
                    self._send(200, [])
                    return
                answer: dict[str, Any] = {"recipient_id": sender, "text": fake.reply.format(message=message)}
                if fake.buttons:
                    answer["buttons"] = fake.buttons
                self._send(200, [answer])

        self._server = _Server(("127.0.0.1", port), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def calls_for(self, sender: str) -> list[str]:
        with self._lock:
            return [message for s, message, _ in self.calls if s == sender]

    def start(self) -> FakeRasa:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeRasa:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 5005
    delay = float(sys.argv[2]) if len(sys.argv) > 2 else 0.0
    server = FakeRasa(port=port, delay=delay, token=os.environ.get("RASA_TOKEN") or DEV_RASA_TOKEN)
    print(f"fake Rasa on {server.url} (delay {delay} s)", flush=True)
    server.start()
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.stop()
