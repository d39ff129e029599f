"""A message goes gateway → Rasa → custom action → API → reply, with real processes."""

from __future__ import annotations

import pytest

from devtools.stack import Stack

pytestmark = pytest.mark.e2e


def test_greeting_is_answered_by_the_dialogue_engine(stack: Stack) -> None:
    replies = stack.chat("e2e-1-0123456789abcdef", "你好")
    assert any("失业保险" in r for r in replies)


def test_region_question_goes_through_an_action_and_the_api(stack: Stack) -> None:
    # The list is rendered by action_list_regions from GET /v1/regions: 重庆市 is only known to the API.
    replies = stack.chat("e2e-2-0123456789abcdef", "你们支持哪些地区")
    assert any("重庆市" in r and "天津市" in r for r in replies), replies


def test_dialogue_engine_down_gets_a_reply_not_silence(stack: Stack) -> None:
    stack.stop("rasa")
    try:
        replies = stack.chat("e2e-3-0123456789abcdef", "你好")
        assert replies and "12333" in replies[0]
    finally:
        stack.start_rasa()
        stack.wait_ready()


def test_the_gateway_can_restart_a_real_conversation(stack: Stack) -> None:
    # The gateway's way out of a conversation stuck on a failing action (api/chat/service.py).
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from api.chat.rasa_client import RasaClient

    stack.chat("e2e-4-0123456789abcdef", "你好")

    async def restart() -> bool:
        client = RasaClient(stack.rasa, token=stack.rasa_token, timeout=10)
        try:
            return await client.restart(sender="web:e2e-4-0123456789abcdef")
        finally:
            await client.aclose()

    # A thread of its own: asyncio.run refuses to start where another test left a loop running.
    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(asyncio.run, restart()).result() is True
    assert any("失业保险" in r for r in stack.chat("e2e-4-0123456789abcdef", "你好"))
