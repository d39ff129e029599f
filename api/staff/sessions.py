"""The console's session cookie and the staff resolver that api/auth.py consults.

The cookie carries a random token signed with SECRET_KEY (itsdangerous); the
database keeps the token's hash, so logging out or deactivating an account ends
the session at once.

A browser sends the cookie with any request to this site, including one a foreign page
makes it send (a form posted from evil.example). So a cookie alone never authorises a
change: every unsafe request must also carry the session's CSRF token (a form field on
console pages, the X-CSRF-Token header on the JSON API), which only pages of this site can
read, and must not come from a foreign Origin.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from urllib.parse import urlsplit

from fastapi import FastAPI, Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import Session, sessionmaker

from api.auth import Caller
from api.staff.errors import CsrfRefused
from api.staff.service import SESSION_HOURS, caller_of, csrf_token, resolve_token

COOKIE_NAME = "staff_session"
CSRF_HEADER = "X-CSRF-Token"
CSRF_COOKIE = "staff_csrf"
_SALT = "staff-session"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class StaffContext:
    caller: Caller
    session_id: int
    unit: str
    display_name: str
    token: str


def _serializer(request: Request) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(request.app.state.settings.secret_key, salt=_SALT)


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    """The session cookie (HttpOnly) and its CSRF token: a readable cookie and a response header.

    Only this site's own scripts can read either, so a foreign page cannot copy the token.
    """
    secure = request.app.state.settings.environment == "production"
    value = _serializer(request).dumps(token)
    response.set_cookie(
        COOKIE_NAME, value, max_age=SESSION_HOURS * 3600, httponly=True, samesite="lax", secure=secure, path="/"
    )
    csrf = csrf_token_of(request, token)
    response.set_cookie(
        CSRF_COOKIE, csrf, max_age=SESSION_HOURS * 3600, httponly=False, samesite="strict", secure=secure, path="/"
    )
    response.headers[CSRF_HEADER] = csrf


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(COOKIE_NAME, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")


def cookie_token(request: Request) -> str | None:
    raw = request.cookies.get(COOKIE_NAME)
    if not raw:
        return None
    try:
        token = _serializer(request).loads(raw, max_age=SESSION_HOURS * 3600)
    except BadSignature:
        return None
    return token if isinstance(token, str) else None


def staff_context(request: Request) -> StaffContext | None:
    """The logged-in staff member of this request, looked up once and kept on request.state."""
    if hasattr(request.state, "staff_context"):
        cached: StaffContext | None = request.state.staff_context
        return cached
    context: StaffContext | None = None
    token = cookie_token(request)
    if token is not None:
        factory: sessionmaker[Session] = request.app.state.sessionmaker
        with factory() as session:
            found = resolve_token(session, token=token)
            if found is not None:
                account, staff_session = found
                context = StaffContext(
                    caller=caller_of(account),
                    session_id=staff_session.id,
                    unit=account.unit,
                    display_name=account.display_name,
                    token=token,
                )
    request.state.staff_context = context
    return context


def csrf_token_of(request: Request, session_token: str) -> str:
    """The CSRF token of a staff session (the same for every page and call of the session)."""
    return csrf_token(secret=request.app.state.settings.secret_key, token=session_token)


def session_csrf(request: Request, context: StaffContext) -> str:
    return csrf_token_of(request, context.token)


def csrf_ok(request: Request, context: StaffContext, submitted: str | None) -> bool:
    """Whether an unsafe request carries the session's token and no foreign Origin."""
    origin = request.headers.get("origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.headers.get("host", ""):
        return False
    return hmac.compare_digest(session_csrf(request, context), submitted or "")


def resolve_staff(request: Request) -> Caller | None:
    """The staff caller of a JSON API request; an unsafe one must carry the X-CSRF-Token header."""
    context = staff_context(request)
    if context is None:
        return None
    if request.method not in _SAFE_METHODS and not csrf_ok(request, context, request.headers.get(CSRF_HEADER)):
        raise CsrfRefused()
    return context.caller


def install_staff_resolver(app: FastAPI) -> None:
    """Start-up hook (api/startup.py): staff are resolved from the console session cookie."""
    app.state.staff_resolver = resolve_staff
