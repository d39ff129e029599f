"""SMS as a channel: Aliyun's up-message push in, approved templates out."""

from __future__ import annotations

from fastapi import APIRouter

from api.channels.plugin import ChannelPlugin
from api.channels.sms.replies import compose
from api.channels.sms.sender import build_sender
from api.vocab import ChannelKind


def routes() -> APIRouter:
    from api.channels.sms.views import router

    return router


SMS = ChannelPlugin(kind=ChannelKind.sms, routes=routes, compose=compose, sender=build_sender)
