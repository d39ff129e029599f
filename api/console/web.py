"""Shared pieces of the console pages: templates, the logged-in user, form protection."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates

from api.claims.access import STAFF_CLAIM_ROLES
from api.errors import AppError, ValidationFailed, http_message, validation_fields
from api.privacy import mask_phone
from api.staff.enums import ROLE_LABELS, Role
from api.staff.sessions import StaffContext, csrf_ok, session_csrf, staff_context
from api.tickets.deps import READ_ROLES
from api.tickets.enums import (
    ACTION_LABELS,
    CATEGORY_LABELS,
    CHANNEL_LABELS,
    SATISFACTION_LABELS,
    STATUS_LABELS,
    URGENCY_LABELS,
)
from policy_kb.clock import CHINA_TZ, now_in_china

# Who may open each page (each handler's page_user call names the same tuple), and the nav built from them.
ASSIST_ROLES = ("operator", "reviewer", "supervisor")
CLAIM_PAGE_ROLES = tuple(sorted(STAFF_CLAIM_ROLES))
AUDIT_PAGE_ROLES = ("auditor", "supervisor")
NAV: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("/console/assist", "话术建议", ASSIST_ROLES),
    ("/console/claims", "待遇查询", CLAIM_PAGE_ROLES),
    ("/console/tickets", "工单队列", READ_ROLES),
    ("/console/dashboard", "统计看板", READ_ROLES),
    ("/console/audit", "审计日志", AUDIT_PAGE_ROLES),
)

# How often an open console page asks whether new tickets arrived (the queue also redraws itself then).
POLL_SECONDS = 30
HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))


def _local(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return value.astimezone(CHINA_TZ).strftime(fmt) if value else "—"


def _remaining(value: datetime | None, now: datetime) -> str:
    if value is None:
        return "—"
    seconds = int((value - now).total_seconds())
    sign = "超期 " if seconds < 0 else "剩 "
    seconds = abs(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    if days:
        return f"{sign}{days}天{hours}小时"
    return f"{sign}{hours}小时{rest // 60}分"


templates.env.filters["local"] = _local
templates.env.globals.update(
    CATEGORY_LABELS=CATEGORY_LABELS,
    URGENCY_LABELS=URGENCY_LABELS,
    STATUS_LABELS=STATUS_LABELS,
    ACTION_LABELS=ACTION_LABELS,
    CHANNEL_LABELS=CHANNEL_LABELS,
    SATISFACTION_LABELS=SATISFACTION_LABELS,
    remaining=_remaining,
    mask=mask_phone,
    poll_seconds=POLL_SECONDS,
)


def role_labels(ctx: StaffContext) -> str:
    return "、".join(ROLE_LABELS[Role(r)] for r in sorted(ctx.caller.roles) if r in Role.__members__)


def page_user(request: Request, *roles: str) -> StaffContext:
    """The logged-in staff member, or a redirect to the login page; 403 for a wrong role."""
    ctx = staff_context(request)
    if ctx is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise HTTPException(303, headers={"Location": f"/console/login?next={quote(target)}"})
    if roles and not ctx.caller.roles & set(roles):
        raise HTTPException(403, detail="当前账号没有此页面的权限")
    return ctx


def check_csrf(request: Request, ctx: StaffContext, submitted: str) -> None:
    if not csrf_ok(request, ctx, submitted):
        raise HTTPException(403, detail="页面已过期，请刷新后重试")


def render(request: Request, ctx: StaffContext | None, name: str, status_code: int = 200, **context: Any) -> Response:
    base: dict[str, Any] = {"user": ctx, "now": now_in_china()}
    if ctx is not None:
        base.update(csrf=session_csrf(request, ctx), roles=ctx.caller.roles, role_labels=role_labels(ctx))
        base["nav"] = [(href, label) for href, label, allowed in NAV if ctx.caller.roles & set(allowed)]
        # Pages link to one another only where the role may follow (an auditor sees a claim number, no link).
        base["may"] = {href for href, _ in base["nav"]}
    base["flash"] = request.query_params.get("msg")
    base["flash_kind"] = "error" if request.query_params.get("kind") == "error" else "ok"
    return templates.TemplateResponse(request, name, {**base, **context}, status_code=status_code)


def form_date(value: str, field: str, label: str) -> date | None:
    """A date from a filter form: "" (left empty) is no date; anything but YYYY-MM-DD is a 422 in Chinese."""
    value = value.strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationFailed(f"{label}应为日期，格式 YYYY-MM-DD", fields={field: "应为日期 YYYY-MM-DD"}) from None


def back(path: str, message: str, *, error: bool = False) -> RedirectResponse:
    query = {"msg": message, **({"kind": "error"} if error else {})}
    return RedirectResponse(f"{path}?{urlencode(query)}", status_code=303)


ERROR_TITLES = {403: "没有权限", 404: "没有找到", 422: "输入有误"}


def error_page(request: Request, status_code: int, message: str) -> Response:
    """A refusal inside the console's layout: the message, and links only to the pages the role may open."""
    ctx = staff_context(request)
    return render(request, ctx, "error.html", status_code=status_code, title=ERROR_TITLES[status_code], message=message)


class ConsoleRoute(APIRoute):
    """Console pages answer a 403 or a 404 with a page, not the JSON API's error body.

    A staff member who follows a link they may not open (or to a ticket that is gone) stays in
    the console; the session dependency has already rolled back by the time this runs. JSON
    endpoints of the console (``/console/…json``) keep the contract's error shape.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        original = super().get_route_handler()
        if self.path.endswith(".json"):
            return original

        async def handler(request: Request) -> Response:
            try:
                return await original(request)
            except HTTPException as exc:
                if exc.status_code not in ERROR_TITLES:
                    raise
                return error_page(request, exc.status_code, http_message(exc.status_code, str(exc.detail)))
            except AppError as exc:
                if exc.status_code not in ERROR_TITLES:
                    raise
                return error_page(request, exc.status_code, exc.message)
            except RequestValidationError as exc:
                fields = validation_fields(list(exc.errors()))
                message = "；".join(f"{k}：{v}" for k, v in list(fields.items())[:3])
                return error_page(request, 422, f"请求内容有误（{message}），请返回修改后重试。")

        return handler
