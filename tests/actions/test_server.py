"""The action server as it runs (`python -m actions.server`): nothing but /health without the secret."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "action-server-secret-of-this-test"
# A made-up tracker asking for a claim's back-pay options: what finding 1 of issue 12 sent.
FORGED = {
    "next_action": "action_backpay_options",
    "sender_id": "web:attacker",
    "tracker": {
        "sender_id": "web:attacker",
        "slots": {"identity_verified": True, "claim_id": "45"},
        "latest_message": {"text": "能补发吗", "intent": {"name": "ask_backpay"}, "entities": []},
        "events": [],
        "paused": False,
        "followup_action": None,
        "active_loop": {},
        "latest_action_name": "action_listen",
    },
    "domain": {},
    "version": "3.6.2",
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _request(url: str, *, body: object = None, token: str | None = None) -> tuple[int, bytes]:
    headers = {"content-type": "application/json"}
    if token is not None:
        headers["authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers=headers, method="POST" if data else "GET")
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _spawn(port: int, token: str | None) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "ACTION_SERVER_TOKEN"}
    if token is not None:
        env["ACTION_SERVER_TOKEN"] = token
    env["API_URL"] = "http://127.0.0.1:9"  # nothing there: an action that ran would find no API
    return subprocess.Popen(
        [sys.executable, "-m", "actions.server", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    port = _free_port()
    proc = _spawn(port, TOKEN)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
            try:
                if _request(f"{url}/health")[0] == 200:
                    break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail("action server did not start")
        yield url
    finally:
        proc.terminate()
        proc.wait(20)


def test_forged_webhook_without_the_secret_is_refused(server: str) -> None:
    assert _request(f"{server}/webhook", body=FORGED)[0] == 401
    assert _request(f"{server}/webhook", body=FORGED, token="guessed")[0] == 401
    assert _request(f"{server}/actions")[0] == 401  # the action list too


def test_rasa_with_the_secret_reaches_the_actions(server: str) -> None:
    status, body = _request(f"{server}/webhook", body={**FORGED, "next_action": "no_such_action"}, token=TOKEN)
    assert status == 404 and b"no_such_action" in body  # past the guard, into rasa-sdk's executor
    assert _request(f"{server}/actions", token=TOKEN)[0] == 200


def test_health_stays_open_and_says_nothing(server: str) -> None:
    assert _request(f"{server}/health") == (200, b'{"status":"ok"}')


def outward_address() -> str | None:
    """This machine's address on its default route (a UDP connect sends nothing)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("198.51.100.1", 9))
        except OSError:
            return None
        address = str(s.getsockname()[0])
    return None if address.startswith("127.") else address


def test_listens_on_loopback_only(server: str) -> None:
    address = outward_address()
    if address is None:
        pytest.skip("no address but loopback here")
    with socket.socket() as s, pytest.raises(OSError):
        s.settimeout(2)
        s.connect((address, int(server.rsplit(":", 1)[1])))


def test_without_a_secret_it_does_not_start() -> None:
    proc = _spawn(_free_port(), None)
    try:
        assert proc.wait(90) != 0
        assert b"ACTION_SERVER_TOKEN" in (proc.stdout.read() if proc.stdout else b"")
    finally:
        if proc.poll() is None:
            proc.kill()
