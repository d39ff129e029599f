"""The web chat channel's routes: POST /v1/chat and the page's reads of its later messages and history."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from api.channels.deps import ChannelsDep
from api.channels.errors import RateLimited
from api.channels.limits import limit_address, read_limited_body
from api.channels.outbound import web_messages
from api.channels.web.errors import SenderTooShort
from api.channels.web.history import RETENTION, last_outbox_id, recent, record_turn
from api.channels.web.owners import browser_token, check_or_bind, require_owner
from api.channels.web.schemas import (
    MIN_SENDER_CHARS,
    ChatHistory,
    ChatRequest,
    ChatResponse,
    HistoryMessage,
    WebOutbox,
    WebOutboxMessage,
)
from api.chat.schemas import ChatMessage
from api.chat.service import converse
from api.db import SessionDep, committed
from api.deps import RasaDep, SessionmakerDep, SettingsDep
from api.identity.handles import masked_for_display, network_origin

router = APIRouter(tags=["对话"])

MAX_BODY_BYTES = 16_384
_BODY_DOC = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": ChatRequest.model_json_schema()}},
    }
}


def _own(sessions: sessionmaker[Session], sender: str, token: str | None, text: str) -> str:
    """Bind or check the conversation's owner; return the claimant's bubble as the history keeps it.

    The masking is decided now, before the turn: answering a code closes its challenge."""

    def own(session: Session) -> str:
        check_or_bind(session, sender=sender, token=token)
        return masked_for_display(session, sender=sender, text=text.strip())

    return committed(sessions, own)


def _remember(sessions: sessionmaker[Session], sender: str, shown: str, replies: list[ChatMessage]) -> None:
    def remember(session: Session) -> None:
        record_turn(session, sender=sender, shown=shown, replies=replies)

    committed(sessions, remember)


@router.post(
    "/v1/chat",
    response_model=ChatResponse,
    summary="网页对话（与微信、短信同一路径）",
    openapi_extra=_BODY_DOC,
    responses={
        403: {"description": "该会话属于另一个浏览器"},
        413: {"description": "内容过大"},
        429: {"description": "发送过于频繁"},
    },
)
async def chat(
    request: Request, settings: SettingsDep, sessions: SessionmakerDep, rasa: RasaDep, runtime: ChannelsDep
) -> ChatResponse:
    address = await limit_address(request, "chat", settings=settings, runtime=runtime)
    # The body is read with a cap before parsing, so an oversized upload is refused unread.
    raw = await read_limited_body(request, MAX_BODY_BYTES)
    try:
        body = ChatRequest.model_validate_json(raw)
    except ValidationError as exc:
        raise RequestValidationError(exc.errors()) from None
    sender = f"web:{body.sender}"
    shown = await run_in_threadpool(_own, sessions, sender, browser_token(request), body.message)
    refusal = await runtime.limiter.hit(sender)
    if refusal is not None:
        raise RateLimited(refusal)
    messages = await converse(
        rasa,
        sender=sender,
        text=body.message,
        channel="web",
        sessions=sessions,
        secret_key=settings.secret_key,
        origin=network_origin(settings.secret_key, address),
    )
    await run_in_threadpool(_remember, sessions, sender, shown, messages)
    return ChatResponse(messages=messages)


async def page_sender(
    request: Request,
    settings: SettingsDep,
    runtime: ChannelsDep,
    sender: Annotated[str, Query(min_length=1, max_length=128, description="与 POST /v1/chat 相同的会话标识")],
) -> str:
    """The conversation a page's read names (`web:<sender>`), after the per-address read limit."""
    await limit_address(request, "read", settings=settings, runtime=runtime)
    if len(sender) < MIN_SENDER_CHARS:
        raise SenderTooShort()
    return f"web:{sender}"


PageSender = Annotated[str, Depends(page_sender)]


@router.get(
    "/v1/chat/messages",
    response_model=WebOutbox,
    summary="网页会话的后续消息（如工单答复），只答复发起会话的浏览器",
    responses={403: {"description": "不是发起该会话的浏览器"}, 429: {"description": "请求过于频繁"}},
)
async def later_messages(
    request: Request,
    session: SessionDep,
    full: PageSender,
    after: Annotated[int, Query(ge=0, description="只返回编号大于此值的消息")] = 0,
) -> WebOutbox:
    def read() -> WebOutbox:
        require_owner(session, sender=full, token=browser_token(request))
        rows = web_messages(session, sender=full, after_id=after)
        return WebOutbox(
            messages=[
                WebOutboxMessage(
                    id=r.id,
                    text=r.text,
                    created_at=r.created_at,
                    author=r.author or "assistant",
                    quick_replies=r.quick_replies or [],
                )
                for r in rows
            ]
        )

    return await run_in_threadpool(read)


@router.get(
    "/v1/chat/history",
    response_model=ChatHistory,
    summary="网页会话的历史消息（刷新页面后显示），号码已隐去，只答复发起会话的浏览器",
    responses={403: {"description": "不是发起该会话的浏览器"}, 429: {"description": "请求过于频繁"}},
)
async def history(request: Request, session: SessionDep, full: PageSender) -> ChatHistory:
    def read() -> ChatHistory:
        # The id in the query names the conversation; only the browser cookie bound to it may read it.
        require_owner(session, sender=full, token=browser_token(request))
        bubbles = recent(session, sender=full)
        return ChatHistory(
            messages=[
                HistoryMessage(author=b.author, text=b.text, created_at=b.created_at, quick_replies=b.quick_replies)
                for b in bubbles
            ],
            outbox_after=last_outbox_id(session, sender=full),
            retention_days=RETENTION.days,
        )

    return await run_in_threadpool(read)
