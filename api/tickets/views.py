"""接诉即办 tickets over JSON (contracts.md): create, the staff queue, one ticket, and its actions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.claims.access import authorize_claimant_action, authorize_conversation
from api.db import SessionDep, utcnow
from api.deps import SettingsDep, SmsDep
from api.metrics import HANDOFFS
from api.tickets import actions, service
from api.tickets.deps import Creator, Handler, Limits, Reader, Supervisor
from api.tickets.schemas import (
    ExtensionBody,
    FollowUpBody,
    InterimReplyBody,
    NoteBody,
    OptionalNote,
    ResolveBody,
    TicketCreate,
    TicketDetail,
    TicketPage,
    TicketRead,
    TicketStats,
    TransferBody,
)
from api.tickets.stats import ticket_stats

router = APIRouter(prefix="/v1/tickets", tags=["接诉即办工单"])
# A ticket id (18) or its number (JS20260302-0001).
TicketRef = Annotated[str, Path(max_length=40)]


@router.post("", response_model=TicketRead, status_code=201, summary="受理工单（带 sender 时该会话转人工）")
def create(
    body: TicketCreate, actor: Creator, session: SessionDep, limits: Limits, sms: SmsDep, settings: SettingsDep
) -> TicketRead:
    authorize_conversation(actor.caller, body.sender)
    if body.claim_id is not None:
        authorize_claimant_action(session, actor.caller, body.claim_id)
    owner_unit = actor.unit or settings.ticket_intake_unit
    ticket = service.create_ticket(
        session,
        body=body,
        actor=actor.name,
        owner_unit=owner_unit,
        now=utcnow(),
        limits=limits,
        sms=sms,
    )
    if ticket.sender is not None:  # a ticket from a conversation: that conversation now goes to people
        HANDOFFS.labels(str(ticket.channel)).inc()
    return service.to_read(ticket, now=utcnow(), paused=ticket.sender is not None)


@router.get("", response_model=TicketPage, summary="工单队列（按时限排序）")
def queue(
    _: Reader,
    session: SessionDep,
    status: Annotated[str | None, Query(max_length=200, description="状态，可用逗号分隔多个；默认未办结的全部")] = None,
    overdue: Annotated[bool | None, Query(description="true 只看已超期，false 只看未超期")] = None,
    category: Annotated[str | None, Query(max_length=40, pattern=r"^[a-z_]+$")] = None,
    limit: Annotated[int, Query(ge=1, le=service.MAX_PAGE)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> TicketPage:
    now = utcnow()
    tickets, total = service.list_queue(
        session,
        statuses=service.parse_statuses(status),
        overdue=overdue,
        category=category,
        now=now,
        limit=limit,
        offset=offset,
    )
    paused = service.paused_ticket_ids(session, [t.id for t in tickets])
    items = [service.to_read(t, now=now, paused=t.id in paused) for t in tickets]
    return TicketPage(items=items, total=total, limit=limit, offset=offset)


@router.get("/stats", response_model=TicketStats, summary="响应率、解决率、满意率与分类统计")
def stats(_: Reader, session: SessionDep) -> TicketStats:
    return ticket_stats(session, now=utcnow())


@router.get("/{ref}", response_model=TicketDetail, summary="工单详情（含全部事件）")
def detail(ref: TicketRef, _: Reader, session: SessionDep) -> TicketDetail:
    return service.to_detail(session, service.get_ticket(session, ref=ref), now=utcnow())


def _done(session: SessionDep, ref: str) -> TicketDetail:
    return service.to_detail(session, service.get_ticket(session, ref=ref), now=utcnow())


@router.post("/{ref}/accept", response_model=TicketDetail, summary="签收（首接负责）")
def accept(ref: TicketRef, actor: Handler, session: SessionDep) -> TicketDetail:
    actions.accept(session, ticket=service.get_ticket(session, ref=ref, lock=True), actor=actor, now=utcnow())
    return _done(session, ref)


@router.post("/{ref}/start", response_model=TicketDetail, summary="开始办理")
def start(ref: TicketRef, actor: Handler, session: SessionDep) -> TicketDetail:
    actions.start(session, ticket=service.get_ticket(session, ref=ref, lock=True), actor=actor, now=utcnow())
    return _done(session, ref)


@router.post("/{ref}/resolve", response_model=TicketDetail, summary="答复诉求人")
def resolve(ref: TicketRef, body: ResolveBody, actor: Handler, session: SessionDep, sms: SmsDep) -> TicketDetail:
    ticket = service.get_ticket(session, ref=ref, lock=True)
    actions.resolve(session, ticket=ticket, actor=actor, answer=body.answer, now=utcnow(), sms=sms)
    return _done(session, ref)


@router.post("/{ref}/interim-replies", response_model=TicketDetail, summary="答复前先回复诉求人（不改变状态）")
def interim_reply(
    ref: TicketRef, body: InterimReplyBody, actor: Handler, session: SessionDep, sms: SmsDep
) -> TicketDetail:
    ticket = service.get_ticket(session, ref=ref, lock=True)
    actions.interim_reply(session, ticket=ticket, actor=actor, text=body.text, now=utcnow(), sms=sms)
    return _done(session, ref)


@router.post("/{ref}/follow-up", response_model=TicketDetail, summary="回访：满意则办结，不满意则重办")
def follow_up(
    ref: TicketRef, body: FollowUpBody, actor: Handler, session: SessionDep, limits: Limits, sms: SmsDep
) -> TicketDetail:
    actions.follow_up(
        session,
        ticket=service.get_ticket(session, ref=ref, lock=True),
        actor=actor,
        satisfaction=body.satisfaction,
        solved=body.solved,
        note=body.note,
        now=utcnow(),
        limits=limits,
        sms=sms,
    )
    return _done(session, ref)


@router.post("/{ref}/transfer", response_model=TicketDetail, summary="转办（须说明理由）")
def transfer(ref: TicketRef, body: TransferBody, actor: Handler, session: SessionDep, limits: Limits) -> TicketDetail:
    actions.transfer(
        session,
        ticket=service.get_ticket(session, ref=ref, lock=True),
        actor=actor,
        to_unit=body.to_unit,
        reason=body.reason,
        now=utcnow(),
        limits=limits,
    )
    return _done(session, ref)


@router.post("/{ref}/extension", response_model=TicketDetail, summary="申请延期")
def request_extension(ref: TicketRef, body: ExtensionBody, actor: Handler, session: SessionDep) -> TicketDetail:
    actions.request_extension(
        session,
        ticket=service.get_ticket(session, ref=ref, lock=True),
        actor=actor,
        working_days=body.working_days,
        reason=body.reason,
        now=utcnow(),
    )
    return _done(session, ref)


@router.post("/{ref}/extension/grant", response_model=TicketDetail, summary="批准延期（不能批准本人的申请）")
def grant_extension(
    ref: TicketRef, body: OptionalNote, actor: Supervisor, session: SessionDep, limits: Limits
) -> TicketDetail:
    actions.decide_extension(
        session,
        ticket=service.get_ticket(session, ref=ref, lock=True),
        actor=actor,
        grant=True,
        note=body.note,
        now=utcnow(),
        limits=limits,
    )
    return _done(session, ref)


@router.post("/{ref}/extension/deny", response_model=TicketDetail, summary="驳回延期")
def deny_extension(
    ref: TicketRef, body: OptionalNote, actor: Supervisor, session: SessionDep, limits: Limits
) -> TicketDetail:
    actions.decide_extension(
        session,
        ticket=service.get_ticket(session, ref=ref, lock=True),
        actor=actor,
        grant=False,
        note=body.note,
        now=utcnow(),
        limits=limits,
    )
    return _done(session, ref)


@router.post("/{ref}/remind", response_model=TicketDetail, summary="催办")
def remind(ref: TicketRef, body: OptionalNote, actor: Supervisor, session: SessionDep) -> TicketDetail:
    actions.remind(
        session, ticket=service.get_ticket(session, ref=ref, lock=True), actor=actor, note=body.note, now=utcnow()
    )
    return _done(session, ref)


@router.post("/{ref}/notes", response_model=TicketDetail, summary="添加备注")
def add_note(ref: TicketRef, body: NoteBody, actor: Handler, session: SessionDep) -> TicketDetail:
    actions.add_note(
        session, ticket=service.get_ticket(session, ref=ref, lock=True), actor=actor, note=body.note, now=utcnow()
    )
    return _done(session, ref)


@router.post("/{ref}/release", response_model=TicketDetail, summary="会话交还智能客服")
def release(ref: TicketRef, body: OptionalNote, actor: Handler, session: SessionDep) -> TicketDetail:
    actions.release_conversation(
        session, ticket=service.get_ticket(session, ref=ref, lock=True), actor=actor, note=body.note, now=utcnow()
    )
    return _done(session, ref)
