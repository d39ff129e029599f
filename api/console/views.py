"""The hotline console (/console): login, suggestion box, claim lookup, ticket queue, dashboard.

Server-rendered Jinja2 pages on the same services as the JSON API; Chinese UI.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from api.channels.limits import client_address
from api.console import pages_audit, pages_claims, pages_conversation, pages_dashboard, pages_tickets
from api.console.web import ASSIST_ROLES, HERE, ConsoleRoute, check_csrf, page_user, render
from api.db import SessionDep
from api.deps import SettingsDep
from api.errors import AppError, NotFoundError
from api.staff import service as staff_service
from api.staff.seed import refused_passwords
from api.staff.sessions import clear_session_cookie, cookie_token, set_session_cookie, staff_context

router = APIRouter(prefix="/console", include_in_schema=False, route_class=ConsoleRoute)
STATIC = {"console.css": "text/css", "console.js": "text/javascript"}


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/console") and not target.startswith("//"):
        return target
    return "/console/tickets"


@router.get("/static/{name}")
def static(name: Annotated[str, Path(max_length=40)]) -> FileResponse:
    if name not in STATIC:
        raise NotFoundError("没有这个文件")
    return FileResponse(HERE / "static" / name, media_type=f"{STATIC[name]}; charset=utf-8")


@router.get("")
def home() -> RedirectResponse:
    return RedirectResponse("/console/tickets", status_code=303)


@router.get("/login")
def login_page(request: Request, next: Annotated[str | None, Query(max_length=300)] = None) -> Response:
    if staff_context(request) is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return render(request, None, "login.html", next=_safe_next(next), error=None)


@router.post("/login")
def login(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    try:
        done = staff_service.login(
            session,
            username=username.strip(),
            password=password,
            address=client_address(request, settings.trusted_proxies),
            refused_passwords=refused_passwords(settings),
        )
    except AppError as exc:
        # The failed attempt's audit row is kept: the session commits when the page returns.
        return render(
            request,
            None,
            "login.html",
            status_code=exc.status_code,
            next=_safe_next(next),
            error=exc.message,
            username=username,
        )
    response = RedirectResponse(_safe_next(next), status_code=303)
    set_session_cookie(request, response, done.token)
    return response


@router.post("/logout")
def logout(request: Request, session: SessionDep, csrf: Annotated[str, Form(max_length=100)] = "") -> Response:
    ctx = staff_context(request)
    if ctx is not None:
        check_csrf(request, ctx, csrf)
    token = cookie_token(request)
    if token is not None:
        staff_service.logout(session, token=token)
    response = RedirectResponse("/console/login", status_code=303)
    clear_session_cookie(response)
    return response


@router.get("/assist")
def assist(request: Request) -> Response:
    ctx = page_user(request, *ASSIST_ROLES)
    return render(request, ctx, "assist.html", regions=pages_claims.REGION_CHOICES)


router.include_router(pages_tickets.router)
router.include_router(pages_conversation.router)
router.include_router(pages_claims.router)
router.include_router(pages_dashboard.router)
router.include_router(pages_audit.router)
