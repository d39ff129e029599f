"""Talking to a running stack the way the outside world does: WeChat (plain mode), Aliyun SMS push, web."""

from __future__ import annotations

import hashlib
import random
import secrets
import sqlite3
import time
import uuid
from contextlib import closing
from dataclasses import dataclass
from typing import Any

import httpx
import xmltodict

from api.channels.sms.senders import pseudonym
from api.channels.wechat.settings import DEV_WECHAT_TOKEN
from api.settings import DEV_SECRET, DEV_SMS_PUSH_TOKEN
from devtools.stack import Stack

AUTH = {"Authorization": "Bearer dev-token"}
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def id_number(first17: str) -> str:
    """A resident ID number with a valid GB 11643 check digit."""
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


@dataclass(frozen=True)
class Claimant:
    name: str
    id_number: str
    phone: str
    region: str
    claim_id: int = 0


def create_claim(stack: Stack, who: Claimant) -> Claimant:
    body = {
        "claimant": {"name": who.name, "id_number": who.id_number, "phone": who.phone},
        "region": who.region,
        "start_month": "2026-01",
        "benefit_months": 12,
    }
    r = httpx.post(f"{stack.api}/v1/claims", json=body, headers=AUTH, timeout=30)
    assert r.status_code == 201, r.text
    return Claimant(who.name, who.id_number, who.phone, who.region, int(r.json()["id"]))


def new_claimant(name: str, region: str, area: str) -> Claimant:
    rnd = random.Random(uuid.uuid4().int)
    first17 = f"{area}19{rnd.randrange(60, 99)}0{rnd.randrange(1, 9)}1{rnd.randrange(0, 9)}{rnd.randrange(100, 999)}"
    return Claimant(name, id_number(first17), f"13{rnd.randrange(5, 9)}{rnd.randrange(10**8):08d}", region)


def web(stack: Stack, sender: str, text: str) -> list[str]:
    return stack.chat(sender, text)


def wechat_sign(timestamp: str, nonce: str) -> str:
    return hashlib.sha1("".join(sorted([DEV_WECHAT_TOKEN, timestamp, nonce])).encode()).hexdigest()


def wechat_query(openid: str, *, timestamp: int | None = None, nonce: str | None = None) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    nonce = nonce or str(10**9 + secrets.randbelow(9 * 10**9))  # not `random`: hypothesis seeds it
    return {"signature": wechat_sign(ts, nonce), "timestamp": ts, "nonce": nonce, "openid": openid}


def wechat_text_xml(openid: str, text: str, msg_id: int | None = None) -> str:
    msg_id = msg_id if msg_id is not None else random.randrange(10**16, 10**17)
    return (
        f"<xml><ToUserName><![CDATA[gh_3f2c8a1b9d7e]]></ToUserName>"
        f"<FromUserName><![CDATA[{openid}]]></FromUserName><CreateTime>{int(time.time())}</CreateTime>"
        f"<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{text}]]></Content>"
        f"<MsgId>{msg_id}</MsgId></xml>"
    )


def wechat_post(stack: Stack, body: str | bytes, query: dict[str, str], timeout: float = 30) -> httpx.Response:
    return httpx.post(f"{stack.api}/channels/wechat", params=query, content=body, timeout=timeout)


def wechat_reply_text(response: httpx.Response) -> str | None:
    """The passive reply's text, or None for "success" (nothing now)."""
    assert response.status_code == 200, response.text
    if response.text == "success":
        return None
    parsed: dict[str, Any] = xmltodict.parse(response.text)["xml"]
    return str(parsed.get("Content") or "")


def wechat(stack: Stack, openid: str, text: str) -> list[str]:
    """A text message; the passive reply plus what was queued for this user afterwards."""
    before = outbound_ids(stack, f"wx:{openid}")
    reply = wechat_reply_text(wechat_post(stack, wechat_text_xml(openid, text), wechat_query(openid)))
    time.sleep(0.3)
    later = [t for i, t in outbound(stack, f"wx:{openid}") if i not in before]
    return ([reply] if reply else []) + later


def sms_sender(phone: str) -> str:
    """The pseudonymous sender an SMS conversation runs under (the stack keeps the dev SECRET_KEY)."""
    return pseudonym(DEV_SECRET, phone)


def sms(stack: Stack, phone: str, text: str) -> list[str]:
    """An up-message through the Aliyun push; the replies are the SMS queued to that phone."""
    before = outbound_ids(stack, sms_sender(phone))
    body = [
        {
            "phone_number": phone,
            "send_time": time.strftime("%Y-%m-%d %H:%M:%S"),
            "content": text,
            "sign_name": "失业保险服务",
            "dest_code": "1234",
            "sequence_id": random.randrange(10**9),
        }
    ]
    r = httpx.post(f"{stack.api}/channels/sms/aliyun/{DEV_SMS_PUSH_TOKEN}", json=body, timeout=60)
    assert r.status_code == 200 and r.json()["code"] == 0, r.text
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        new = [t for i, t in outbound(stack, sms_sender(phone)) if i not in before]
        if new:
            return new
        time.sleep(0.2)
    return []


def outbound(stack: Stack, sender: str) -> list[tuple[int, str]]:
    """Messages queued to `sender` (SMS replies, WeChat customer-service messages), oldest first.

    A pending reply (status answering) is left out: its text is the sealed question until it is answered.
    """
    sql = "SELECT id, text FROM outbound_messages WHERE sender = ? AND status != 'answering' ORDER BY id"
    with closing(sqlite3.connect(stack.workdir / "stack.db", timeout=30)) as db:
        rows = db.execute(sql, (sender,)).fetchall()
    return [(int(i), str(t)) for i, t in rows]


def outbound_ids(stack: Stack, sender: str) -> set[int]:
    return {i for i, _ in outbound(stack, sender)}
