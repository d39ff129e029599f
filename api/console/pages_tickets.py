"""Console pages of the ticket system: the queue (nearest deadline first), one ticket, its actions."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from api.console.actors import actor_label, staff_names
from api.console.web import ConsoleRoute, back, check_csrf, page_user, render
from api.db import SessionDep, utcnow
from api.deps import SettingsDep, SmsDep
from api.errors import AppError, ValidationFailed, validation_fields
from api.fields import CONTROL_MESSAGE, has_controls
from api.notify import SmsProvider
from api.staff.sessions import StaffContext
from api.tickets import actions, search, service
from api.tickets.actions import Actor
from api.tickets.deps import HANDLE_ROLES, READ_ROLES, Limits
from api.tickets.enums import Category, Satisfaction, TicketAction, TicketStatus
from api.tickets.limits import TicketLimits
from api.tickets.schemas import MAX_TRANSCRIPT_CHARS, TicketCreate
from api.vocab import Channel

router = APIRouter(route_class=ConsoleRoute)
PAGE_SIZE = 50


def _actor(ctx: StaffContext) -> Actor:
    return Actor(caller=ctx.caller, unit=ctx.unit, display_name=ctx.display_name)


@router.get("/tickets")
def queue(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    status: Annotated[str | None, Query(max_length=200)] = None,
    overdue: Annotated[str | None, Query(max_length=8)] = None,
    category: Annotated[str | None, Query(max_length=40)] = None,
    q: Annotated[str, Query(max_length=40)] = "",
    page: Annotated[int, Query(le=100_000)] = 1,
) -> Response:
    ctx = page_user(request, *READ_ROLES)
    now = utcnow()
    statuses = service.parse_statuses(status) if status else None
    only_overdue = True if overdue == "1" else None
    cat = category if category in Category.__members__ else None
    page = max(page, 1)
    found = search.parse(session, q, secret_key=settings.secret_key) if q.strip() else None
    tickets, total = service.list_queue(
        session,
        statuses=statuses,
        overdue=only_overdue,
        category=cat,
        now=now,
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
        search=found.condition if found else None,
    )
    paused = service.paused_ticket_ids(session, [t.id for t in tickets])
    if found is not None:
        search.record_search(session, actor=ctx.caller.actor, found=found, q=q, total=total)
    filters = {"status": status or "", "category": cat or "", "q": q.strip(), "overdue": "1" if overdue == "1" else ""}
    return render(
        request,
        ctx,
        "queue.html",
        tickets=tickets,
        total=total,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        status=status or "",
        overdue=overdue == "1",
        category=cat or "",
        paused=paused,
        utcnow=now,
        statuses=list(TicketStatus),
        categories=list(Category),
        q=q.strip(),
        found=found,
        query=urlencode({k: v for k, v in filters.items() if v}),
        latest_id=service.newest_ticket_id(session),
    )


@router.get("/queue.json")
def queue_news(request: Request, session: SessionDep, since: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0) -> Response:
    """What the new-ticket alert polls: tickets awaiting 签收 that arrived after the page's newest (`since`)."""
    page_user(request, *READ_ROLES)
    fresh, waiting = service.new_since(session, since=since)
    body = {"new": fresh, "awaiting_accept": waiting, "latest_id": service.newest_ticket_id(session)}
    return JSONResponse(body, headers={"Cache-Control": "no-store"})


@router.post("/tickets")
def create(
    request: Request,
    session: SessionDep,
    limits: Limits,
    sms: SmsDep,
    csrf: Annotated[str, Form(max_length=100)] = "",
    category: Annotated[str, Form(max_length=40)] = "",
    urgency: Annotated[str, Form(max_length=20)] = "normal",
    region: Annotated[str, Form(max_length=40)] = "",
    summary: Annotated[str, Form(max_length=500)] = "",
    transcript: Annotated[str, Form(max_length=MAX_TRANSCRIPT_CHARS)] = "",
    phone: Annotated[str, Form(max_length=24)] = "",
    claim_id: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    ctx = page_user(request, *HANDLE_ROLES)
    check_csrf(request, ctx, csrf)
    try:
        body = TicketCreate.model_validate(
            {
                "category": category,
                "urgency": urgency,
                "channel": Channel.hotline,
                "region": region,
                "summary": summary,
                "transcript": transcript or None,
                "sender": f"sms:{phone.strip()}" if phone.strip() else None,
                "claim_id": int(claim_id) if claim_id.strip().isdecimal() else None,
            }
        )
        ticket = service.create_ticket(
            session,
            body=body,
            actor=ctx.caller.actor,
            owner_unit=ctx.unit,
            now=utcnow(),
            limits=limits,
            sms=sms,
        )
    except ValidationError as exc:
        fields = validation_fields(list(exc.errors()))
        return back("/console/assist", "无法建单：" + "；".join(f"{k}{v}" for k, v in fields.items()), error=True)
    except AppError as exc:
        session.rollback()
        return back("/console/assist", f"无法建单：{exc.message}", error=True)
    return back(f"/console/tickets/{ticket.id}", f"已受理，工单号 {ticket.number}")


@router.get("/tickets/{ref}")
def detail(
    ref: Annotated[str, Path(max_length=40)], request: Request, session: SessionDep, settings: SettingsDep
) -> Response:
    ctx = page_user(request, *READ_ROLES)
    ticket = service.get_ticket(session, ref=ref)
    view = service.to_detail(session, ticket, now=utcnow())
    names = staff_names(session, (e.actor for e in view.events))
    can_handle = bool(ctx.caller.roles & set(HANDLE_ROLES)) and ctx.unit == ticket.owner_unit
    is_supervisor = "supervisor" in ctx.caller.roles
    return render(
        request,
        ctx,
        "ticket.html",
        t=view,
        ticket=ticket,
        can_handle=can_handle,
        is_supervisor=is_supervisor,
        satisfactions=list(Satisfaction),
        own_extension=ticket.extension_requested_by == ctx.caller.actor,
        actor_labels={e.actor: actor_label(e.actor, names, settings.integration_names) for e in view.events},
    )


CAUGHT_UP = {TicketAction.accept: "已签收", TicketAction.start: "已开始办理"}


def _run(
    request: Request,
    session: Session,
    ctx: StaffContext,
    ticket_id: int,
    action: str,
    form: dict[str, str],
    *,
    limits: TicketLimits,
    sms: SmsProvider,
) -> str:
    """Perform one action from the ticket page; returns the message to show."""
    ticket = service.get_ticket(session, ref=ticket_id, lock=True)
    actor, now = _actor(ctx), utcnow()
    note = form.get("note", "").strip() or None
    if action == "accept":
        actions.accept(session, ticket=ticket, actor=actor, now=now)
        return "已签收"
    if action == "start":
        actions.start(session, ticket=ticket, actor=actor, now=now)
        return "已开始办理"
    if action == "take":
        actions.accept(session, ticket=ticket, actor=actor, now=now)
        actions.start(session, ticket=ticket, actor=actor, now=now)
        return "已签收并开始办理"
    if action == "resolve":
        answer = form.get("answer", "").strip()
        if len(answer) < 2:
            raise ValidationFailed("请填写答复内容", fields={"answer": "必填"})
        # An answer given at once (a question settled on the call) signs for and starts the ticket
        # first: one form, and still each step its own event with its own time.
        steps = [CAUGHT_UP[a] for a in actions.catch_up(session, ticket=ticket, actor=actor, now=now)]
        actions.resolve(session, ticket=ticket, actor=actor, answer=answer, now=now, sms=sms)
        return "、".join([*steps, "已答复诉求人"])
    if action == "interim":
        text = form.get("message", "").strip()
        if len(text) < 2:
            raise ValidationFailed("请填写要发给诉求人的内容", fields={"answer": "必填"})
        actions.interim_reply(session, ticket=ticket, actor=actor, text=text, now=now, sms=sms)
        return "已发送给诉求人（工单仍在办理，答复时限不变）"
    if action == "follow_up":
        try:
            satisfaction = Satisfaction(form.get("satisfaction", ""))
        except ValueError:
            raise ValidationFailed("请选择满意度", fields={"satisfaction": "必填"}) from None
        actions.follow_up(
            session,
            ticket=ticket,
            actor=actor,
            satisfaction=satisfaction,
            solved=form.get("solved") == "1",
            note=note,
            now=now,
            limits=limits,
            sms=sms,
        )
        return "回访已记录"
    if action == "transfer":
        unit, reason = form.get("to_unit", "").strip(), form.get("reason", "").strip()
        if len(unit) < 2 or len(reason) < 2:
            raise ValidationFailed("转办须填写接收单位和理由", fields={"reason": "必填"})
        actions.transfer(session, ticket=ticket, actor=actor, to_unit=unit, reason=reason, now=now, limits=limits)
        return f"已转办至{unit}"
    if action == "request_extension":
        days, reason = form.get("working_days", ""), form.get("reason", "").strip()
        if not days.isdecimal() or not 1 <= int(days) <= 15 or len(reason) < 2:
            raise ValidationFailed("延期须填写1至15个工作日和理由", fields={"working_days": "1-15"})
        actions.request_extension(session, ticket=ticket, actor=actor, working_days=int(days), reason=reason, now=now)
        return "已提交延期申请"
    if action in ("grant_extension", "deny_extension"):
        page_user(request, "supervisor")
        actions.decide_extension(
            session, ticket=ticket, actor=actor, grant=action == "grant_extension", note=note, now=now, limits=limits
        )
        return "已批准延期" if action == "grant_extension" else "已驳回延期"
    if action == "remind":
        page_user(request, "supervisor")
        actions.remind(session, ticket=ticket, actor=actor, note=note, now=now)
        return "已催办"
    if action == "note":
        if not note:
            raise ValidationFailed("备注不能为空", fields={"note": "必填"})
        actions.add_note(session, ticket=ticket, actor=actor, note=note, now=now)
        return "已添加备注"
    if action == "release":
        actions.release_conversation(session, ticket=ticket, actor=actor, note=note, now=now)
        return "会话已交还智能客服"
    raise ValidationFailed("没有这个操作")


@router.post("/tickets/{ticket_id}/do/{action}")
def act(
    ticket_id: int,
    action: Annotated[str, Path(max_length=40)],
    request: Request,
    session: SessionDep,
    limits: Limits,
    sms: SmsDep,
    csrf: Annotated[str, Form(max_length=100)] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
    answer: Annotated[str, Form(max_length=4000)] = "",
    message: Annotated[str, Form(max_length=2000)] = "",
    satisfaction: Annotated[str, Form(max_length=40)] = "",
    solved: Annotated[str, Form(max_length=8)] = "",
    to_unit: Annotated[str, Form(max_length=80)] = "",
    reason: Annotated[str, Form(max_length=500)] = "",
    working_days: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    ctx = page_user(request, *HANDLE_ROLES)
    check_csrf(request, ctx, csrf)
    form = {
        "note": note,
        "answer": answer,
        "message": message,
        "satisfaction": satisfaction,
        "solved": solved,
        "to_unit": to_unit,
        "reason": reason,
        "working_days": working_days,
    }
    if any(has_controls(value) for value in form.values()):  # as the JSON routes refuse (api/fields.py)
        return back(f"/console/tickets/{ticket_id}", f"填写的内容{CONTROL_MESSAGE}", error=True)
    try:
        message = _run(request, session, ctx, ticket_id, action, form, limits=limits, sms=sms)
    except AppError as exc:
        session.rollback()
        return back(f"/console/tickets/{ticket_id}", exc.message, error=True)
    return back(f"/console/tickets/{ticket_id}", message)
