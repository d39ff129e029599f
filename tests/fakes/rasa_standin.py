"""A slow local stand-in for the dialogue engine (Rasa's gateway webhook and the action server's /health).

A fault test points RASA_URL and ACTION_SERVER_URL of a real API process at it. Each turn is
answered "答复：<message>" after `delay` seconds, so the API can be killed while it waits, the
way a real Rasa under load keeps a late answer in flight. Every turn received is recorded.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from api.chat.rasa_client import WEBHOOK

ANSWER_PREFIX = "答复："


@dataclass
class RasaStandIn:
    delay: float = 0.0
    port: int = 0
    turns: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def turns_of(self, sender: str) -> list[str]:
        with self.lock:
            return [str(t.get("message")) for t in self.turns if t.get("sender") == sender]

    def answer(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        with self.lock:
            self.turns.append(body)
        time.sleep(self.delay)
        return [{"recipient_id": body.get("sender"), "text": f"{ANSWER_PREFIX}{body.get('message')}"}]


def _handler(standin: RasaStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("content-length") or 0))
            if self.path.split("?")[0] == WEBHOOK:
                self._send(standin.answer(json.loads(raw)))
            else:  # /conversations/<id>/tracker/events (restart): accepted
                self._send({})

        def do_GET(self) -> None:
            self._send({"status": "ok"})  # the action server's /health

        def _send(self, payload: object) -> None:
            data = json.dumps(payload, ensure_ascii=False).encode()
            try:
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:  # the API that asked was killed meanwhile
                pass

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@contextmanager
def running(*, delay: float = 0.0) -> Iterator[RasaStandIn]:
    standin = RasaStandIn(delay=delay)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(standin))
    server.daemon_threads = True
    standin.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield standin
    finally:
        server.shutdown()
        server.server_close()
