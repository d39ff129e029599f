"""The web chat page: a static page that talks to POST /v1/chat like any channel."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, RedirectResponse

from api.chat.owners import give_cookie
from api.settings import Environment, Settings

STATIC = Path(__file__).parent / "static"

router = APIRouter(include_in_schema=False)


@router.get("/")
async def index() -> RedirectResponse:
    return RedirectResponse("/chat")


@router.get("/chat")
async def chat_page(request: Request) -> FileResponse:
    # The browser's session cookie: its conversations answer only it (api/chat/owners.py).
    settings: Settings = request.app.state.settings
    response = FileResponse(STATIC / "chat.html", media_type="text/html; charset=utf-8")
    give_cookie(request, response, secure=settings.environment == Environment.production)
    return response
