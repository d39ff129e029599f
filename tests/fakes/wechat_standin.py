"""A local stand-in for the WeChat server API: /cgi-bin/stable_token and customer-service sends.

It keeps one access token the way WeChat's normal mode does: asking again (force_refresh
false) while it is valid returns the same token with its remaining lifetime; an expired
one is replaced; force_refresh true replaces it at once. Customer-service sends are
accepted only with the current token (errcode 40001 / 42001 otherwise).
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class WeChatStandIn:
    app_id: str
    secret: str
    lifetime: int = 7200
    token: str | None = None
    expires_at: float = 0.0
    revoked: bool = False  # the current token is refused by sends but still handed out unforced
    token_requests: list[dict[str, Any]] = field(default_factory=list)
    sent: list[dict[str, Any]] = field(default_factory=list)
    # time.monotonic() at which each of `sent` arrived (bench/outbound.py times the late answers).
    sent_at: list[float] = field(default_factory=list)
    delay: float = 0.0  # seconds each token request takes (lets concurrent callers overlap)
    port: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def expire(self) -> None:
        self.expires_at = 0.0

    def _issue(self) -> None:
        self.token = "ACCESS_TOKEN_" + secrets.token_hex(12)
        self.expires_at, self.revoked = time.time() + self.lifetime, False

    def stable_token(self, body: dict[str, Any]) -> dict[str, Any]:
        time.sleep(self.delay)
        with self.lock:
            self.token_requests.append(body)
            if body.get("grant_type") != "client_credential":
                return {"errcode": 40002, "errmsg": "invalid grant_type"}
            if body.get("appid") != self.app_id:
                return {"errcode": 40013, "errmsg": "invalid appid"}
            if body.get("secret") != self.secret:
                return {"errcode": 40125, "errmsg": "invalid appsecret"}
            if body.get("force_refresh") is True or self.token is None or time.time() >= self.expires_at:
                self._issue()
            return {"access_token": self.token, "expires_in": int(self.expires_at - time.time())}

    def custom_send(self, token: str | None, body: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            if token != self.token or self.revoked:
                return {"errcode": 40001, "errmsg": "invalid credential, access_token is invalid or not latest"}
            if time.time() >= self.expires_at:
                return {"errcode": 42001, "errmsg": "access_token expired"}
            self.sent.append(body)
            self.sent_at.append(time.monotonic())
            return {"errcode": 0, "errmsg": "ok"}


class _Server(ThreadingHTTPServer):
    # Many senders at once (bench/outbound.py): the default listen backlog of 5 would reset
    # connections that the real service would accept.
    request_queue_size = 128
    daemon_threads = True


def _handler(standin: WeChatStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            url = urlsplit(self.path)
            raw = self.rfile.read(int(self.headers.get("content-length") or 0))
            try:
                body = json.loads(raw)
            except ValueError:
                self._send({"errcode": 47001, "errmsg": "data format error"})
                return
            if url.path == "/cgi-bin/stable_token":
                self._send(standin.stable_token(body))
            elif url.path == "/cgi-bin/message/custom/send":
                token = parse_qs(url.query).get("access_token", [None])[0]
                self._send(standin.custom_send(token, body))
            else:
                self.send_error(404)

        def do_GET(self) -> None:
            # /cgi-bin/token is not served: a client that still used it would fail here.
            self.send_error(404)

        def _send(self, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json; encoding=utf-8")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@contextmanager
def running(*, app_id: str = "wxstandin000000001", secret: str = "stand-in-app-secret") -> Iterator[WeChatStandIn]:
    standin = WeChatStandIn(app_id=app_id, secret=secret)
    server = _Server(("127.0.0.1", 0), _handler(standin))
    standin.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield standin
    finally:
        server.shutdown()
        server.server_close()
