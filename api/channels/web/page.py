"""The web chat page: a static page that talks to POST /v1/chat like any channel."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from api.channels.web.owners import give_cookie
from api.chat.schemas import MAX_MESSAGE_CHARS
from api.deps import SettingsDep
from api.settings import Environment

STATIC = Path(__file__).parent / "static"
# The page shows the gateway's own limit before sending (count / max), so it is filled in here
# rather than written twice.
CHAT_PAGE = (STATIC / "chat.html").read_text(encoding="utf-8").replace("__MAX_MESSAGE_CHARS__", str(MAX_MESSAGE_CHARS))

router = APIRouter(include_in_schema=False)


@router.get("/")
async def index() -> RedirectResponse:
    return RedirectResponse("/chat")


@router.get("/chat")
async def chat_page(request: Request, settings: SettingsDep) -> HTMLResponse:
    # The browser's session cookie: its conversations answer only it (api/channels/web/owners.py).
    response = HTMLResponse(CHAT_PAGE)
    give_cookie(request, response, secure=settings.environment == Environment.production)
    return response
