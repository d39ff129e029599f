"""The web chat as a channel: POST /v1/chat and the page; its later messages are stored for the page."""

from __future__ import annotations

from fastapi import APIRouter

from api.channels.plugin import ChannelPlugin
from api.vocab import ChannelKind


def routes() -> APIRouter:
    from api.channels.web.page import router as page_router
    from api.channels.web.views import router as chat_router

    router = APIRouter()
    router.include_router(chat_router)
    router.include_router(page_router)
    return router


# No sender: a later message (a staff answer) waits for the page to fetch it (GET /v1/chat/messages).
WEB = ChannelPlugin(kind=ChannelKind.web, routes=routes)
