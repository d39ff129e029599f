"""WeChat as a channel: /channels/wechat in, customer-service messages out."""

from __future__ import annotations

from fastapi import APIRouter

from api.channels.plugin import ChannelPlugin
from api.channels.wechat.sender import build_sender
from api.channels.wechat.state import build_state
from api.vocab import ChannelKind


def routes() -> APIRouter:
    from api.channels.wechat.views import router

    return router


WECHAT = ChannelPlugin(kind=ChannelKind.wechat, routes=routes, sender=build_sender, state=build_state)
