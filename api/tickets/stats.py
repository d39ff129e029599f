"""The three 接诉即办 rates (响应率, 解决率, 满意率) and ticket counts, for the dashboard.

- 响应率: tickets signed for within the acceptance limit, over tickets that were
  signed for or whose acceptance limit has passed.
- 解决率: tickets the claimant called solved at the follow-up (回访), over followed-up tickets.
- 满意率: satisfied or basically satisfied, over rated tickets: the claimant's own rating in the
  chat (好差评) where they gave one, else the operator's follow-up.
The latest follow-up of a reopened ticket counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from api.tickets.enums import Category, TicketStatus
from api.tickets.models import Ticket
from api.tickets.schemas import RateRead, TicketStats
from policy_kb.clock import CHINA_TZ


def _rate(numerator: int | None, denominator: int | None) -> RateRead:
    num, den = int(numerator or 0), int(denominator or 0)
    return RateRead(numerator=num, denominator=den, rate=round(num / den, 4) if den else None)


def _sum(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _in_region(code: str) -> ColumnElement[bool]:
    """Tickets of the division `code` and of the divisions inside it (120000: 12xxxx; 371500: 3715xx)."""
    if code.isdecimal() and code.endswith("0000"):
        return Ticket.region_code.startswith(code[:2])
    if code.isdecimal() and code.endswith("00"):
        return Ticket.region_code.startswith(code[:4])
    return Ticket.region_code == code


def ticket_filter(
    *, date_from: date | None, date_to: date | None, region_code: str = "", assignee_staff_id: int | None = None
) -> list[ColumnElement[bool]]:
    """The `where` of the functions below: received (Beijing time) from `date_from` to `date_to`
    inclusive, in the division `region_code` (and those inside it), signed for by the staff member."""
    where: list[ColumnElement[bool]] = []
    if assignee_staff_id is not None:
        where.append(Ticket.assignee_staff_id == assignee_staff_id)
    if date_from:
        where.append(Ticket.created_at >= datetime.combine(date_from, time(), CHINA_TZ))
    if date_to:
        where.append(Ticket.created_at < datetime.combine(date_to + timedelta(days=1), time(), CHINA_TZ))
    if region_code:
        where.append(_in_region(region_code))
    return where


def ticket_stats(session: Session, *, now: datetime, where: Sequence[ColumnElement[bool]] = ()) -> TicketStats:
    """The rates and counts over all tickets, or those matching every condition in `where`."""
    accepted = Ticket.first_accepted_at.is_not(None)
    due_for_acceptance = or_(accepted, Ticket.accept_by < now)
    followed = Ticket.satisfaction.is_not(None)
    row = session.execute(
        select(
            func.count(),
            _sum(Ticket.status != TicketStatus.closed.value),
            _sum(and_(Ticket.due_at.is_not(None), Ticket.due_at < now)),
            _sum(and_(accepted, Ticket.first_accepted_at <= Ticket.accept_by)),
            _sum(due_for_acceptance),
            _sum(Ticket.solved.is_(True)),
            _sum(followed),
            _sum(Ticket.satisfaction.in_(["satisfied", "basically_satisfied"])),
            _sum(and_(followed, Ticket.satisfaction_by == "claimant")),
        )
        .select_from(Ticket)
        .where(*where)
    ).one()
    total, open_, overdue, on_time, due_accept, solved, followed_n, satisfied, by_claimant = (int(v or 0) for v in row)
    by_category = {c.value: 0 for c in Category}
    for category, count in session.execute(
        select(Ticket.category, func.count()).where(*where).group_by(Ticket.category)
    ):
        by_category[category] = int(count)
    by_status = {s.value: 0 for s in TicketStatus}
    for status, count in session.execute(select(Ticket.status, func.count()).where(*where).group_by(Ticket.status)):
        by_status[status] = int(count)
    return TicketStats(
        total=total,
        open=open_,
        overdue=overdue,
        response_rate=_rate(on_time, due_accept),
        resolution_rate=_rate(solved, followed_n),
        satisfaction_rate=_rate(satisfied, followed_n),
        rated_by_claimant=by_claimant,
        by_category=by_category,
        by_status=by_status,
    )


@dataclass(frozen=True)
class Pending:
    """Tickets the rates leave out for now: not yet signed for within a limit still running,
    and answered but not yet followed up (回访)."""

    accept_not_due: int
    awaiting_follow_up: int


def pending_counts(session: Session, *, now: datetime, where: Sequence[ColumnElement[bool]] = ()) -> Pending:
    row = session.execute(
        select(
            _sum(and_(Ticket.first_accepted_at.is_(None), Ticket.accept_by >= now)),
            _sum(and_(Ticket.satisfaction.is_(None), Ticket.status == TicketStatus.resolved.value)),
        )
        .select_from(Ticket)
        .where(*where)
    ).one()
    return Pending(accept_not_due=int(row[0] or 0), awaiting_follow_up=int(row[1] or 0))


def daily_counts(
    session: Session, *, day_from: date, day_to: date, where: Sequence[ColumnElement[bool]] = ()
) -> list[tuple[date, int, int]]:
    """Per day (Beijing time) from `day_from` to `day_to`: tickets received and tickets answered (答复).

    Bucketed here rather than in SQL so SQLite and PostgreSQL count the same Beijing day.
    """
    start = datetime.combine(day_from, time(), CHINA_TZ)
    end = datetime.combine(day_to + timedelta(days=1), time(), CHINA_TZ)
    received = {d: 0 for d in _days(day_from, day_to)}
    answered = dict(received)
    for column, counts in ((Ticket.created_at, received), (Ticket.responded_at, answered)):
        for at in session.scalars(select(column).where(*where, column >= start, column < end)):
            if at is not None:
                counts[at.astimezone(CHINA_TZ).date()] += 1
    return [(d, received[d], answered[d]) for d in received]


def _days(day_from: date, day_to: date) -> list[date]:
    return [day_from + timedelta(days=i) for i in range((day_to - day_from).days + 1)]


def assignees(session: Session) -> list[tuple[int, str]]:
    """Staff who have signed for tickets (id, name), for the dashboard's operator filter."""
    rows = session.execute(
        select(Ticket.assignee_staff_id, func.max(Ticket.assignee_name))
        .where(Ticket.assignee_staff_id.is_not(None))
        .group_by(Ticket.assignee_staff_id)
    )
    return sorted(((int(i), str(n or i)) for i, n in rows if i is not None), key=lambda r: r[1])
