"""Save a conversation's tracker state as a test fixture (tests/actions/trackers/NAME.json).

Needs the whole product running (`make run`). Talks through the gateway
(POST /v1/chat), so the sender id is "web:<id>" as in production, with the chat
page's session cookie; the word CODE in the turns is replaced by the last one-time
code sent to that sender (dev only: the code route answers that cookie only).
The saved state keeps what actions read: slots, the latest message, the events
(masked of nothing: only demo data is used) trimmed to the fields actions use.

    .venv-bot/bin/python bot/tools/capture_tracker.py NAME "turn 1" "turn 2" ...
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import sys
import urllib.request
import uuid
from pathlib import Path

API = "http://127.0.0.1:8000"
RASA = "http://127.0.0.1:5005"
# Rasa's HTTP API wants its --auth-token (scripts/run.sh: RASA_TOKEN, dev-rasa-token by default).
RASA_TOKEN = os.environ.get("RASA_TOKEN", "dev-rasa-token")
OUT = Path(__file__).resolve().parents[2] / "tests" / "actions" / "trackers"
_BROWSER = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))


def _call(url: str, body: dict | None = None, token: bool = False) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = "Bearer dev-token"
    request = urllib.request.Request(url, data=data, headers=headers, method="POST" if data else "GET")
    with _BROWSER.open(request, timeout=30) as response:
        return json.loads(response.read())


def _trim_event(event: dict) -> dict:
    keep = {k: event[k] for k in ("event", "name", "value", "text", "timestamp") if k in event}
    if event.get("event") == "user":
        parse = event.get("parse_data") or {}
        keep["parse_data"] = {"intent": parse.get("intent"), "entities": parse.get("entities", [])}
        keep["metadata"] = event.get("metadata") or {}
    if event.get("event") == "bot":
        keep["metadata"] = {k: v for k, v in (event.get("metadata") or {}).items() if k == "utter_action"}
    return keep


def capture(name: str, turns: list[str]) -> Path:
    sender = f"capture-{uuid.uuid4().hex}"
    _BROWSER.open(f"{API}/chat", timeout=30).read()  # the page's session cookie
    for turn in turns:
        if turn == "CODE":
            turn = _call(f"{API}/v1/identity/dev/last-code?sender=web:{sender}", token=True)["code"]
        _call(f"{API}/v1/chat", {"sender": sender, "message": turn})
    state = _call(f"{RASA}/conversations/web:{sender}/tracker?token={RASA_TOKEN}")
    users = [e for e in state.get("events", []) if e.get("event") == "user"]
    last = users[-1] if users else {}
    latest = {**(last.get("parse_data") or {}), "text": last.get("text"), "metadata": last.get("metadata")}
    saved = {
        "sender_id": "web:test-sender",
        "slots": state.get("slots", {}),
        "latest_message": {k: latest.get(k) for k in ("text", "intent", "entities", "metadata")},
        "events": [
            _trim_event(e)
            for e in state.get("events", [])
            if e.get("event") in ("user", "bot", "action", "slot", "active_loop")
        ],
        "active_loop": state.get("active_loop") or {},
        "latest_action_name": state.get("latest_action_name"),
    }
    path = OUT / f"{name}.json"
    path.write_text(json.dumps(saved, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":
    print(capture(sys.argv[1], sys.argv[2:]))
