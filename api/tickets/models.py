"""Tickets and their append-only event trail (the migration blocks UPDATE/DELETE on events).

Every text a claimant or staff member writes (summary, transcript, answer, reasons, notes) is
masked as it is set (api.privacy.mask_text): the queue page, exports and the database itself
never hold an ID number or a mobile number in clear, whichever route or job wrote the text.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, validates

from api.db import Base, UtcDateTime, utcnow
from api.privacy import mask_text


def _masked(value: str | None) -> str | None:
    return mask_text(value) if value is not None else None


class Ticket(Base):
    __tablename__ = "tickets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    category: Mapped[str] = mapped_column(String(20))
    urgency: Mapped[str] = mapped_column(String(10))
    channel: Mapped[str] = mapped_column(String(20))
    region_code: Mapped[str] = mapped_column(String(12))
    region_name: Mapped[str] = mapped_column(String(40))
    claim_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    sender: Mapped[str | None] = mapped_column(String(160), nullable=True)
    summary: Mapped[str] = mapped_column(String(500))
    transcript: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20))
    # 首接负责: the unit that first received the ticket owns it until a transfer with a reason.
    owner_unit: Mapped[str] = mapped_column(String(80))
    assignee_staff_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    assignee_name: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    accept_by: Mapped[datetime] = mapped_column(UtcDateTime())
    respond_by: Mapped[datetime] = mapped_column(UtcDateTime())
    resolve_by: Mapped[datetime] = mapped_column(UtcDateTime())
    deadlines_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    # The deadline of the current stage (accept, respond or resolve); null once closed.
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    first_accepted_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    responded_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    answer: Mapped[str | None] = mapped_column(Text, nullable=True)
    overdue: Mapped[bool] = mapped_column(Boolean, default=False)
    # Stage last marked overdue / reminded by the scheduled job (so a re-run adds nothing).
    overdue_marked_for: Mapped[str | None] = mapped_column(String(20), nullable=True)
    reminded_for: Mapped[str | None] = mapped_column(String(20), nullable=True)
    extension_requested_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    extension_working_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    extension_reason: Mapped[str | None] = mapped_column(String(500), nullable=True)
    extensions_granted: Mapped[int] = mapped_column(Integer, default=0)
    reopened_count: Mapped[int] = mapped_column(Integer, default=0)
    satisfaction: Mapped[str | None] = mapped_column(String(24), nullable=True)
    # "claimant" when the claimant rated in the chat (their word is the 满意率), "staff" for a 回访.
    satisfaction_by: Mapped[str | None] = mapped_column(String(20), nullable=True)
    satisfaction_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    solved: Mapped[bool | None] = mapped_column(Boolean, nullable=True)

    __table_args__ = (
        Index("ix_tickets_status_due_at", "status", "due_at"),
        Index("ix_tickets_due_at", "due_at"),
        Index("ix_tickets_sender", "sender"),
    )

    @validates("summary", "answer", "extension_reason", "satisfaction_reason")
    def _mask_text(self, _key: str, value: str | None) -> str | None:
        return _masked(value)

    @validates("transcript")
    def _mask_transcript(self, _key: str, lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{**line, "text": mask_text(str(line.get("text", "")))} for line in lines]


class TicketEvent(Base):
    """Who did what to a ticket, when, from which status to which; never updated or deleted."""

    __tablename__ = "ticket_events"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[str | None] = mapped_column(String(20), nullable=True)
    to_status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)

    __table_args__ = (Index("ix_ticket_events_ticket_id", "ticket_id", "id"),)

    @validates("note")
    def _mask_note(self, _key: str, value: str | None) -> str | None:
        return _masked(value)
