"""One WeChat message delivered many times at once, among other users' traffic: one answer, one effect.

WeChat retries a message it got no answer to within 5 s (same MsgId; the same or fresh signature
parameters). With the product on Redis (de-duplication shared by every API process), 30 concurrent
deliveries of "我要转人工" must reach the dialogue engine once, create one ticket and produce one
answer, whether it comes back passively or later as a customer-service message.
"""

from __future__ import annotations

import random
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from devtools.stack import Stack
from tests.security.channels import (
    AUTH,
    outbound,
    wechat_post,
    wechat_query,
    wechat_reply_text,
    wechat_text_xml,
)

pytestmark = [pytest.mark.faults, pytest.mark.e2e]

DELIVERIES = 30
QUESTION = "失业金审核要几个工作日"


def test_concurrent_redeliveries_of_one_msgid_give_one_answer_and_one_ticket(redis_stack: Stack) -> None:
    stack = redis_stack
    openid = f"oRetry{uuid.uuid4().hex[:22]}"
    # The question first, so 人工 files a ticket at once (a bare 人工 is asked what it is for).
    question = wechat_text_xml(openid, QUESTION, msg_id=random.randrange(10**16, 10**17))
    assert wechat_reply_text(wechat_post(stack, question, wechat_query(openid), timeout=60))
    body = wechat_text_xml(openid, "我要转人工", msg_id=random.randrange(10**16, 10**17))
    same_query = wechat_query(openid)
    others = [(f"oLoad{uuid.uuid4().hex[:22]}", "失业金审核要几个工作日") for _ in range(10)]

    def deliver(i: int) -> str | None:
        query = same_query if i % 2 else wechat_query(openid)  # identical retries and freshly signed ones
        return wechat_reply_text(wechat_post(stack, body, query, timeout=60))

    def other(pair: tuple[str, str]) -> str | None:
        return wechat_reply_text(wechat_post(stack, wechat_text_xml(*pair), wechat_query(pair[0]), timeout=60))

    with ThreadPoolExecutor(DELIVERIES + len(others)) as pool:
        load = pool.map(other, others)
        passive = list(pool.map(deliver, range(DELIVERIES)))
        list(load)

    answers = {r for r in passive if r}
    assert len(answers) <= 1, answers  # every passive reply is the same one
    deadline = time.monotonic() + 30
    later: list[str] = []
    while time.monotonic() < deadline:
        later = [t for _, t in outbound(stack, f"wx:{openid}")]
        if answers or later:
            break
        time.sleep(0.5)
    delivered = sorted(answers) + later
    assert sum("工单号" in t for t in delivered) == 1, delivered  # one answer reached the user

    tickets = httpx.get(f"{stack.api}/v1/tickets", params={"limit": 200}, headers=AUTH, timeout=30).json()["items"]
    assert len([t for t in tickets if t.get("sender") == f"wx:{openid}"]) == 1
    tracker = stack.tracker(f"wx:{openid}")
    user_turns = [e for e in tracker["events"] if e["event"] == "user"]
    assert [e["text"] for e in user_turns] == [QUESTION, "我要转人工"]  # it saw the redelivered message once
