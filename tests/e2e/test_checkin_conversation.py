"""The check-in conversation with real processes: a second check-in in the month, cancelling a hand-off,
and "重发" with no code pending.

The demo claimant in Chongqing (api/claims/seed.py) checked in three months ago only, so this month's
check-in is made while payment is suspended.
"""

from __future__ import annotations

import httpx
import pytest

from api.claims.seed import demo_id_number
from devtools.stack import Stack

pytestmark = pytest.mark.e2e

CHONGQING_ID = demo_id_number("500103", 3)
TIANJIN_ID = demo_id_number("120101", 1)
AUTH = {"Authorization": "Bearer dev-token"}
STOP_QUESTION = "是否有以下任一情况"


def _verified(stack: Stack, sender: str, id_number: str = CHONGQING_ID) -> list[str]:
    stack.chat(sender, "我要签到")
    assert any("验证码" in r for r in stack.chat(sender, id_number))
    code = stack.dev_code(sender)
    assert code is not None
    return stack.chat(sender, code)


def test_a_second_check_in_in_the_month_is_told_so_before_any_question(stack: Stack) -> None:
    sender = "e2e-checkin-twice-0123456789"
    after_code = _verified(stack, sender)
    assert any(STOP_QUESTION in r for r in after_code), after_code
    first = stack.chat(sender, "没有")
    done = "\n".join(first)
    # Issue 14: the suspension first (paid up to, suspended since), then the resumption.
    assert "已完成" in done and done.index("暂停发放") < done.index("恢复发放"), first
    again = stack.chat(sender, "我要签到")
    joined = "\n".join(again)
    assert joined.count("已经办理过了") == 1 and "无需重复办理" not in joined, again
    assert STOP_QUESTION not in joined and "下次请于" in joined, again
    # Nothing is pending afterwards: a question is answered as a question.
    assert not any(STOP_QUESTION in r for r in stack.chat(sender, "你好"))
    # Another browser of the same claimant: told right after the code, before any question.
    other = _verified(stack, "e2e-checkin-other-0123456789")
    joined = "\n".join(other)
    assert joined.count("已经办理过了") == 1 and STOP_QUESTION not in joined and "无需重复办理" not in joined, other


def test_a_hand_off_called_off_with_never_mind(stack: Stack) -> None:
    sender = "e2e-handoff-cancel-0123456789"
    assert any("请简单说一下" in r for r in stack.chat(sender, "人工"))
    assert stack.chat(sender, "算了不用了") == ["好的，不转人工了。还有什么可以帮您？"]


def test_resend_with_no_code_pending_is_not_a_region(stack: Stack) -> None:
    replies = stack.chat("e2e-resend-0123456789abcd", "重发")
    assert replies and "地区" not in replies[0] and "验证码在办理业务时发送" in replies[0]


def test_outside_the_months_window_it_is_said_before_any_question(stack: Stack) -> None:
    """Tianjin's window is the 5th to the 25th: outside it, nothing is asked (inside, the questions are)."""
    sender = "e2e-checkin-window-0123456789"
    after_code = "\n".join(_verified(stack, sender, TIANJIN_ID))
    claim_id = httpx.get(f"{stack.api}/v1/identity/senders/web:{sender}", headers=AUTH, timeout=10).json()["claim_id"]
    status = httpx.get(f"{stack.api}/v1/claims/{claim_id}/status", headers=AUTH, timeout=10).json()
    entry = next(e for e in status["ledger"] if e["month"] == status["as_of"][:7])
    if entry["window_start"] <= status["as_of"] <= entry["window_end"]:
        assert STOP_QUESTION in after_code
    else:
        assert "现在不在" in after_code and STOP_QUESTION not in after_code, after_code


def test_never_mind_during_the_questions_records_no_check_in(stack: Stack) -> None:
    sender = "e2e-checkin-nevermind-0123456789"
    assert any(STOP_QUESTION in r for r in _verified(stack, sender, demo_id_number("500103", 4)))
    assert stack.chat(sender, "算了不用了") == ["好的，已取消。需要时随时回复“签到”或其他问题找我。"]
    claim_id = httpx.get(f"{stack.api}/v1/identity/senders/web:{sender}", headers=AUTH, timeout=10).json()["claim_id"]
    status = httpx.get(f"{stack.api}/v1/claims/{claim_id}/status", headers=AUTH, timeout=10).json()
    assert not next(e for e in status["ledger"] if e["month"] == status["as_of"][:7])["checked_in"]
