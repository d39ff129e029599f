"""The claimant rates the staff answer in the chat (好差评): 满意 / 基本满意 / 不满意 (with a reason).

When a ticket is answered the assistant asks for a rating (api/tickets/actions.resolve). While that
rating is open, a reply that is a rating is recorded on the ticket, in the same satisfaction field
the operator's 回访 fills, marked as the claimant's own (the dashboard's 满意率 counts it). Any other
message goes on to the assistant and the rating stays open, so the claimant may rate later;
a 不满意 asks why, and the next message is the reason (masked like all ticket text).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.tickets.enums import Satisfaction, TicketAction
from api.tickets.handoff.models import ConversationRating
from api.tickets.models import Ticket
from api.tickets.transitions import transition

# A rating asked for long ago is no longer what a lone "满意" answers.
OPEN_FOR = timedelta(days=7)
MAX_REASON_CHARS = 500
_FILLER = re.compile(r"[\s，。,.!！~～、]+")

THANKS = "感谢您的评价！有其他问题可以继续问我；需要再找工作人员，请回复“人工”。"
ASK_REASON = "很抱歉没能让您满意。请简单说一下不满意的原因，我们转给工作人员改进。"
REASON_NOTED = "已记下您的意见（工单号 {number}），工作人员会跟进。其他问题可以继续问我，需要人工请回复“人工”。"


def parse_rating(text: str) -> tuple[Satisfaction, str] | None:
    """(rating, what follows it) when `text` is a rating: "不满意，还是没到账" → (unsatisfied, "还是没到账")."""
    clean = _FILLER.sub(" ", text).strip()
    for word, value in (
        ("不满意", Satisfaction.unsatisfied),
        ("基本满意", Satisfaction.basically_satisfied),
        ("非常满意", Satisfaction.satisfied),
        ("很满意", Satisfaction.satisfied),
        ("满意", Satisfaction.satisfied),
    ):
        if clean.startswith(word):
            rest = clean[len(word) :].strip()
            # "满意吗" or "满意度是什么" is a question, not a rating.
            if rest[:1] in ("吗", "度", "么", "？", "?"):
                return None
            return value, rest
    return None


def open_rating(session: Session, *, sender: str, now: datetime) -> ConversationRating | None:
    row = session.scalar(
        select(ConversationRating).where(ConversationRating.sender == sender, ConversationRating.done_at.is_(None))
    )
    if row is not None and row.asked_at < now - OPEN_FOR:
        row.done_at = now  # expired: nobody is waiting for it any more
        return None
    return row


def ask(session: Session, *, ticket: Ticket, now: datetime) -> ConversationRating | None:
    """Open the rating of `ticket` for its conversation (a newer answer replaces an older open one)."""
    if not ticket.sender:
        return None
    session.execute(
        update(ConversationRating)
        .where(ConversationRating.sender == ticket.sender, ConversationRating.done_at.is_(None))
        .values(done_at=now)
    )
    row = ConversationRating(sender=ticket.sender, ticket_id=ticket.id, stage="rating", asked_at=now)
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:  # the same answer asked twice at once: one open rating is enough
        return open_rating(session, sender=ticket.sender, now=now)
    return row


def _record(
    session: Session, ticket: Ticket, *, sender: str, value: Satisfaction, reason: str | None, now: datetime
) -> None:
    ticket.satisfaction = value.value
    ticket.satisfaction_by = "claimant"
    if reason is not None:
        ticket.satisfaction_reason = reason[:MAX_REASON_CHARS]
    transition(
        session,
        ticket,
        action=TicketAction.claimant_rating,
        actor=f"claimant:{sender}",
        now=now,
        note=ticket.satisfaction_reason if reason is not None else None,
        data={"satisfaction": value.value, "by": "claimant"},
    )


def rating_reply(session: Session, *, sender: str, text: str, now: datetime) -> str | None:
    """The reply when `text` answers the open rating of `sender`; None lets it go to the assistant."""
    row = open_rating(session, sender=sender, now=now)
    if row is None:
        return None
    ticket = session.get(Ticket, row.ticket_id)
    if ticket is None:
        return None
    parsed = parse_rating(text)
    if row.stage == "reason" and parsed is None:
        reason = text.strip()
        ticket.satisfaction_reason = reason[:MAX_REASON_CHARS]
        transition(
            session,
            ticket,
            action=TicketAction.claimant_rating,
            actor=f"claimant:{sender}",
            now=now,
            note=ticket.satisfaction_reason,
            data={"satisfaction": ticket.satisfaction, "by": "claimant", "reason": True},
        )
        row.done_at = now
        return REASON_NOTED.format(number=ticket.number)
    if parsed is None:
        return None
    value, rest = parsed
    unsatisfied = value is Satisfaction.unsatisfied
    _record(session, ticket, sender=sender, value=value, reason=rest if unsatisfied and rest else None, now=now)
    if unsatisfied and not rest:
        row.stage = "reason"
        return ASK_REASON
    row.done_at = now
    return REASON_NOTED.format(number=ticket.number) if unsatisfied else THANKS
