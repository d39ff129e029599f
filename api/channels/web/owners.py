"""A web chat conversation belongs to the browser session that started it.

The chat page (GET /chat) gives the browser a random session cookie. The first
message a browser sends with that cookie binds the sender id to it (only its
SHA-256 is stored); from then on the conversation answers only that cookie:
posting into it, reading its later messages (GET /v1/chat/messages), its history
(GET /v1/chat/history) and the
development code (GET /v1/identity/dev/last-code). Knowing a sender id is no
longer enough to act as the browser that owns it.

A caller without a cookie (an integration, a script) still talks, but its
conversations belong to no browser, so their later messages and codes are not
readable at all.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from fastapi import Request, Response
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.channels.web.errors import NotYourConversation, NotYourConversationToRead
from api.channels.web.models import WebChatOwner
from api.db import utcnow

COOKIE = "ua_chat"
COOKIE_MAX_AGE = 30 * 86_400  # as long as the page keeps its sender id (localStorage)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def browser_token(request: Request) -> str | None:
    token = request.cookies.get(COOKIE)
    return token if token and 20 <= len(token) <= 100 else None


def give_cookie(request: Request, response: Response, *, secure: bool) -> None:
    """Set the session cookie on the chat page when the browser has none."""
    if browser_token(request) is None:
        response.set_cookie(
            COOKIE,
            secrets.token_urlsafe(32),
            max_age=COOKIE_MAX_AGE,
            httponly=True,
            samesite="strict",
            secure=secure,
            path="/",
        )


def check_or_bind(session: Session, *, sender: str, token: str | None) -> None:
    """Before a message: the conversation is this browser's (bound now if it is new), else a 403."""
    row = session.get(WebChatOwner, sender)
    if row is None:
        if token is None:
            return
        try:
            with session.begin_nested():
                session.add(WebChatOwner(sender=sender, token_hash=_hash(token), created_at=utcnow()))
            return
        except IntegrityError:  # another browser took it meanwhile
            row = session.get(WebChatOwner, sender)
            if row is None:
                raise
    if token is None or not hmac.compare_digest(row.token_hash, _hash(token)):
        raise NotYourConversation()


def require_owner(session: Session, *, sender: str, token: str | None) -> None:
    """Reads of a conversation answer only the browser that owns it."""
    row = session.get(WebChatOwner, sender)
    if row is None or token is None or not hmac.compare_digest(row.token_hash, _hash(token)):
        raise NotYourConversationToRead()
