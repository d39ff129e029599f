"""Rasa's log masking (bot/channels/logmask.py) masks what the API's masking masks, for the text
Rasa can see (the gateway has folded full-width digits already). bot/ cannot import api/, so
the two are compared here; the file is loaded alone (its package imports Rasa)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from api.privacy import mask_text

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("bot_logmask", ROOT / "bot" / "channels" / "logmask.py")
assert _spec and _spec.loader
logmask = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(logmask)


@pytest.mark.parametrize(
    "text",
    [
        "我的手机是13812345678",
        "电话8613912345678，身份证11010519900307123X",
        "身份证110105199003071234手机13812345678",
        "11010519900307123413812345678",  # typed together: one long run
        "订单 123456789012 不是手机",
        "/webhooks?q=%E7%94%B513911112222",
        "验证码 123456",
    ],
)
def test_bot_masks_as_the_api_does(text: str) -> None:
    assert logmask.mask(text) == mask_text(text)
