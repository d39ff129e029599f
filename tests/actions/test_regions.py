"""The regions action renders the API's list; the API client reports failures by type."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from actions import api_client
from actions.regions import regions_reply
from tests.actions.conftest import run


def test_regions_reply_names_regions_and_notes_the_national_fallback() -> None:
    text = regions_reply(
        [{"code": "CN", "name": "全国"}, {"code": "500000", "name": "重庆市"}, {"code": "120000", "name": "天津市"}]
    )
    assert "重庆市、天津市" in text
    assert "全国" not in text.split("。")[0]
    assert "当地规定可能不同" in text


class _Handler(BaseHTTPRequestHandler):
    status = 500

    def do_GET(self) -> None:
        body = '{"error": {"code": "x", "message": "地区不存在"}}'.encode()
        self.send_response(self.status)
        self.send_header("content-type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.parametrize(("status", "error"), [(500, api_client.ApiUnavailable), (422, api_client.ApiError)])
def test_client_maps_server_errors(monkeypatch: pytest.MonkeyPatch, status: int, error: type) -> None:
    handler = type("H", (_Handler,), {"status": status})
    server = HTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("API_URL", f"http://127.0.0.1:{server.server_port}")
    try:
        with pytest.raises(error) as info:
            run(api_client.call("GET", "/v1/regions"))
    finally:
        server.shutdown()
    if status == 422:
        assert info.value.message == "地区不存在"


def test_client_reports_unreachable_api(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("API_URL", "http://127.0.0.1:9")
    with pytest.raises(api_client.ApiUnavailable):
        run(api_client.call("GET", "/v1/regions", timeout=2))
