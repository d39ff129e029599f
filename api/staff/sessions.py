"""The console's session cookie and the staff resolver that api/auth.py consults.

The cookie carries a random token signed with SECRET_KEY (itsdangerous); the
database keeps the token's hash, so logging out or deactivating an account ends
the session at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import FastAPI, Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import Session, sessionmaker

from api.auth import Caller
from api.staff.service import SESSION_HOURS, caller_of, resolve_token

COOKIE_NAME = "staff_session"
_SALT = "staff-session"


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
    value = _serializer(request).dumps(token)
    response.set_cookie(
        COOKIE_NAME,
        value,
        max_age=SESSION_HOURS * 3600,
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.environment == "production",
        path="/",
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(COOKIE_NAME, path="/")


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


def resolve_staff(request: Request) -> Caller | None:
    context = staff_context(request)
    return context.caller if context else None


def install_staff_resolver(app: FastAPI) -> None:
    """Start-up hook (api/startup.py): staff are resolved from the console session cookie."""
    app.state.staff_resolver = resolve_staff
