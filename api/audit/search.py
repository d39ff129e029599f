"""Reading the trail as the audit-log page does: a filter, one page of it, the CSV export.

Reading and exporting the trail are audit events themselves; each function here writes its own
row (console.audit_view, console.audit_export) in the caller's transaction, after the read, so
a page never lists the row its own reading adds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from api.audit.models import AuditEvent
from api.audit.service import record_audit
from policy_kb.clock import CHINA_TZ


class AuditRead(BaseModel):
    """One row of the trail as read."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    at: datetime
    actor: str
    action: str
    entity_type: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True)
class AuditFilter:
    """The actor (its beginning, e.g. "staff:" for every staff member), the object
    (entity_type, entity_id) and a date range in Beijing time."""

    actor: str = ""
    entity_type: str = ""
    entity_id: str = ""
    date_from: date | None = None
    date_to: date | None = None

    def apply(self, stmt: Select[Any]) -> Select[Any]:
        if self.actor:
            stmt = stmt.where(AuditEvent.actor.startswith(self.actor, autoescape=True))
        if self.entity_type:
            stmt = stmt.where(AuditEvent.entity_type == self.entity_type)
        if self.entity_id:
            stmt = stmt.where(AuditEvent.entity_id == self.entity_id)
        if self.date_from:
            stmt = stmt.where(AuditEvent.at >= datetime.combine(self.date_from, time(), CHINA_TZ))
        if self.date_to:
            stmt = stmt.where(AuditEvent.at < datetime.combine(self.date_to + timedelta(days=1), time(), CHINA_TZ))
        return stmt

    def query(self) -> dict[str, str]:
        """The filter as URL parameters (the empty ones left out)."""
        out = {
            "actor": self.actor,
            "entity_type": self.entity_type,
            "entity_id": self.entity_id,
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
        }
        return {k: v for k, v in out.items() if v}


def _newest_first(session: Session, flt: AuditFilter, *, offset: int, limit: int) -> list[AuditRead]:
    stmt = flt.apply(select(AuditEvent)).order_by(AuditEvent.id.desc()).offset(offset).limit(limit)
    return [AuditRead.model_validate(e) for e in session.scalars(stmt)]


def read_page(
    session: Session, *, flt: AuditFilter, page: int, page_size: int, actor: str
) -> tuple[int, list[AuditRead]]:
    """How many rows match, and page `page` (from 1) of them, newest first; audited."""
    total = session.scalar(flt.apply(select(func.count()).select_from(AuditEvent))) or 0
    events = _newest_first(session, flt, offset=(page - 1) * page_size, limit=page_size)
    record_audit(
        session,
        actor=actor,
        action="console.audit_view",
        entity_type="audit",
        entity_id="-",
        after={**flt.query(), "page": page},
    )
    return total, events


def export(session: Session, *, flt: AuditFilter, limit: int, actor: str) -> list[AuditRead]:
    """At most `limit` matching rows, newest first, for the CSV export; audited."""
    events = _newest_first(session, flt, offset=0, limit=limit)
    record_audit(
        session,
        actor=actor,
        action="console.audit_export",
        entity_type="audit",
        entity_id="-",
        after={**flt.query(), "rows": len(events)},
    )
    return events
