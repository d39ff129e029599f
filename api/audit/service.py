"""Writing and reading the audit trail. Never update or delete: there is no function for it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.audit.models import AuditEvent
from api.db import Base


def record_audit(
    session: Session,
    *,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: str | int,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add one audit row in the caller's transaction (it commits with the change it records)."""
    event = AuditEvent(
        actor=actor,
        action=action,
        entity_type=entity_type,
        entity_id=str(entity_id),
        before=before,
        after=after,
    )
    session.add(event)
    return event


def record_transition(
    session: Session,
    *,
    event: Base | None = None,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: str | int,
    before: dict[str, Any],
    after: dict[str, Any],
) -> AuditEvent:
    """The one way a status change is written (tickets, claims, back-pay requests).

    `event` is the domain's own append-only event row where it keeps one (a ticket's
    TicketEvent); it and the audit row are added together, in the caller's transaction, so
    one never commits without the other. `before` and `after` hold at least the status.
    """
    if event is not None:
        session.add(event)
    return record_audit(
        session, actor=actor, action=action, entity_type=entity_type, entity_id=entity_id, before=before, after=after
    )


def list_audit(session: Session, *, entity_type: str, entity_id: str | int, limit: int = 200) -> list[AuditEvent]:
    stmt = (
        select(AuditEvent)
        .where(AuditEvent.entity_type == entity_type, AuditEvent.entity_id == str(entity_id))
        .order_by(AuditEvent.id)
        .limit(limit)
    )
    return list(session.scalars(stmt))
