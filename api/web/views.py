"""The web chat page: a static page that talks to POST /v1/chat like any channel."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, RedirectResponse

STATIC = Path(__file__).parent / "static"

router = APIRouter(include_in_schema=False)


@router.get("/")
async def index() -> RedirectResponse:
    return RedirectResponse("/chat")


@router.get("/chat")
async def chat_page() -> FileResponse:
    return FileResponse(STATIC / "chat.html", media_type="text/html; charset=utf-8")
