"""Issue 12, finding 1: the dialogue engine's back door, tried against the real processes.

As filed: Rasa and the action server listened on every interface with no authentication, so
anyone could read a tracker (ID number and SMS code in clear), write slots
(identity_verified, claim_id) and /execute an action, or post a made-up tracker to the
action server's /webhook, and read another claimant's months and back-pay.
Now each attack fails, and even a caller holding Rasa's own secret gains nothing about a
claim that its conversation has not verified.
"""

from __future__ import annotations

import socket
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from devtools.stack import Stack
from tests.security.channels import Claimant, create_claim, new_claimant

pytestmark = [pytest.mark.security, pytest.mark.e2e]

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def victim(product: Stack) -> Claimant:
    return create_claim(product, new_claimant("孙悟空", "120000", "120101"))


def _sender() -> str:
    return f"web:attack-{uuid.uuid4().hex[:10]}"


def _forged_slots(claim_id: int) -> list[dict[str, Any]]:
    return [
        {"event": "slot", "name": "identity_verified", "value": True},
        {"event": "slot", "name": "claim_id", "value": str(claim_id)},
    ]


def _leaks(text: str, victim: Claimant) -> list[str]:
    marks = (victim.name, victim.id_number, victim.phone, "待遇期还剩", "补发", "暂停发放")
    return [m for m in marks if m in text]


def test_tracker_is_not_readable_without_the_token(product: Stack) -> None:
    sender = _sender()
    product.chat(sender.removeprefix("web:"), "你好")
    url = f"{product.rasa}/conversations/{sender}/tracker"
    assert httpx.get(url, timeout=30).status_code == 401
    assert httpx.get(url, params={"token": "guessed"}, timeout=30).status_code == 401
    assert httpx.get(url, headers={"Authorization": f"Bearer {product.rasa_token}"}, timeout=30).status_code == 401
    # The API is there for the holder of the secret (the gateway): the refusals above are the token's doing.
    assert httpx.get(url, params={"token": product.rasa_token}, timeout=30).status_code == 200


def test_forged_slots_and_execute_are_refused(product: Stack, victim: Claimant) -> None:
    sender = _sender()
    base = f"{product.rasa}/conversations/{sender}"
    for token in (None, "guessed"):
        params = {"token": token} if token else {}
        events = httpx.post(f"{base}/tracker/events", params=params, json=_forged_slots(victim.claim_id), timeout=30)
        assert events.status_code == 401, events.text
        run = httpx.post(f"{base}/execute", params=params, json={"name": "action_explain_claim"}, timeout=60)
        assert run.status_code == 401 and _leaks(run.text, victim) == [], run.text
    for path in ("/model/parse", "/domain", "/status"):
        assert (
            httpx.request(
                "POST" if path == "/model/parse" else "GET", f"{product.rasa}{path}", json={"text": "你好"}, timeout=30
            ).status_code
            == 401
        ), path


def test_even_rasas_own_secret_gains_nothing_about_an_unverified_claim(product: Stack, victim: Claimant) -> None:
    """An insider with RASA_TOKEN forges the slots and runs the claim actions: the API answers the
    action server only for a sender bound to the claim, so the actions have nothing to tell."""
    sender = _sender()
    params = {"token": product.rasa_token, "include_events": "NONE"}
    base = f"{product.rasa}/conversations/{sender}"
    assert (
        httpx.post(f"{base}/tracker/events", params=params, json=_forged_slots(victim.claim_id), timeout=30).status_code
        == 200
    )
    said: list[str] = []
    for action in ("action_explain_claim", "action_backpay_options"):
        r = httpx.post(f"{base}/execute", params=params, json={"name": action}, timeout=60)
        assert r.status_code == 200, r.text
        said += [str(m.get("text") or "") for m in r.json().get("messages", [])]
    assert said, "the actions ran and answered"
    assert _leaks("\n".join(said), victim) == [], said


def test_the_rest_channel_is_gone_and_the_gateway_channel_wants_the_secret(product: Stack) -> None:
    sender = _sender()
    body = {"sender": sender, "message": "你好"}
    assert httpx.post(f"{product.rasa}/webhooks/rest/webhook", json=body, timeout=30).status_code == 404
    webhook = f"{product.rasa}/webhooks/gateway/webhook"
    assert httpx.post(webhook, json=body, timeout=30).status_code == 401
    assert httpx.post(webhook, json=body, headers={"Authorization": "Bearer guessed"}, timeout=30).status_code == 401
    assert httpx.post(webhook, json=body, params={"token": product.rasa_token}, timeout=30).status_code == 401
    # Refused before anything reached the conversation.
    assert [e for e in product.tracker(sender)["events"] if e["event"] == "user"] == []
    ok = httpx.post(webhook, json=body, headers={"Authorization": f"Bearer {product.rasa_token}"}, timeout=60)
    assert ok.status_code == 200 and ok.json(), ok.text


def test_forged_tracker_at_the_action_server_is_refused(product: Stack, victim: Claimant) -> None:
    forged = {
        "next_action": "action_backpay_options",
        "sender_id": "web:forged",
        "tracker": {
            "sender_id": "web:forged",
            "slots": {"identity_verified": True, "claim_id": str(victim.claim_id)},
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
    url = f"http://127.0.0.1:{product.action_port}/webhook"
    for headers in ({}, {"Authorization": "Bearer guessed"}, {"Authorization": f"Bearer {product.rasa_token}"}):
        r = httpx.post(url, json=forged, headers=headers, timeout=30)
        assert r.status_code == 401 and _leaks(r.text, victim) == [], r.text
    assert httpx.get(f"http://127.0.0.1:{product.action_port}/health", timeout=10).status_code == 200


def _outward_address() -> str | None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("198.51.100.1", 9))  # a UDP connect sends nothing
        except OSError:
            return None
        address = str(s.getsockname()[0])
    return None if address.startswith("127.") else address


def test_rasa_and_the_action_server_listen_on_loopback_only(product: Stack) -> None:
    address = _outward_address()
    if address is None:
        pytest.skip("no address but loopback here")
    for port in (product.rasa_port, product.action_port):
        with socket.socket() as s, pytest.raises(OSError):
            s.settimeout(2)
            s.connect((address, port))
    with socket.create_connection(("127.0.0.1", product.rasa_port), timeout=2):
        pass  # while loopback answers


def test_the_secrets_stay_out_of_the_api_log(product: Stack) -> None:
    product.chat(_sender().removeprefix("web:"), "你好")
    log = (product.workdir / "api.log").read_text(encoding="utf-8", errors="replace")
    assert product.rasa_token not in log and product.dialogue_token not in log


def test_compose_publishes_neither_engine_and_gives_each_its_secret() -> None:
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))["services"]
    for name in ("rasa", "actions"):
        assert "ports" not in services[name], name
        assert "ACTION_SERVER_TOKEN" in services[name]["environment"], name
    assert "RASA_TOKEN" in services["rasa"]["environment"]
    assert services["actions"]["command"][:3] == ["python", "-m", "actions.server"]
    for name in ("api", "worker"):
        env = services[name]["environment"]
        assert {"RASA_TOKEN", "DIALOGUE_TOKENS", "ACTION_SERVER_TOKEN"} <= set(env), name


def test_make_run_and_the_image_start_both_engines_closed() -> None:
    run = (ROOT / "scripts" / "run.sh").read_text(encoding="utf-8")
    assert "-m actions.server --host 127.0.0.1" in run and "rasa run actions" not in run
    assert '--auth-token "$RASA_TOKEN" -i 127.0.0.1' in run
    image = (ROOT / "docker" / "bot.Dockerfile").read_text(encoding="utf-8")
    assert '--auth-token \\"$RASA_TOKEN\\"' in image
    credentials = yaml.safe_load((ROOT / "bot" / "credentials.yml").read_text(encoding="utf-8"))
    assert list(credentials) == ["channels.gateway.GatewayInput"]  # no REST channel
    for name in ("endpoints.yml", "endpoints.redis.yml"):
        endpoint = yaml.safe_load((ROOT / "bot" / name).read_text(encoding="utf-8"))["action_endpoint"]
        assert endpoint["headers"] == {"Authorization": "Bearer ${ACTION_SERVER_TOKEN}"}, name
