"""The audit-log page for the auditor and the supervisor: filter, page through, export as CSV.

Filters: the actor (its beginning, e.g. "staff:" for every staff member, or a staff member's
name), the object (entity_type, entity_id) and a date range in Beijing time. Reading and
exporting the trail are audit events themselves (api/audit/search.py writes them).
"""

from __future__ import annotations

import csv
import io
import json
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from api.audit import search as audit_search
from api.audit.search import AuditFilter, AuditRead
from api.console.actors import action_label, actor_label, staff_names
from api.console.web import AUDIT_PAGE_ROLES, ConsoleRoute, form_date, page_user, render
from api.db import SessionDep
from api.deps import SettingsDep
from api.staff import service as staff_service
from policy_kb.clock import CHINA_TZ, now_in_china

router = APIRouter(route_class=ConsoleRoute)
PAGE_SIZE = 50
EXPORT_LIMIT = 10_000


def _filter(actor: str, entity_type: str, entity_id: str, date_from_text: str, date_to_text: str) -> AuditFilter:
    return AuditFilter(
        actor.strip(),
        entity_type.strip(),
        entity_id.strip(),
        form_date(date_from_text, "date_from", "起始日期"),
        form_date(date_to_text, "date_to", "截止日期"),
    )


def _actor_prefix(session: Session, text: str) -> str:
    """The actor filter: an identifier's beginning ("staff:", "system:scheduler") as stored, or a staff
    member's name or username as the page shows them ("王芳", "op1"), which becomes "staff:<username>"."""
    if not text or ":" in text:
        return text
    username = staff_service.username_named(session, name=text)
    return text if username is None else f"staff:{username}"


def _json(value: dict[str, Any] | None) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else ""


def _cell(value: str) -> str:
    """A CSV cell Excel will not run as a formula (a leading =, +, - or @ quoted away)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _rows(session: Session, events: list[AuditRead], systems: dict[str, str]) -> list[dict[str, str]]:
    names = staff_names(session, (e.actor for e in events))
    return [
        {
            "id": str(e.id),
            "at": e.at.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M:%S"),
            "actor": actor_label(e.actor, names, systems),
            "actor_raw": e.actor,
            "action": e.action,
            "action_label": action_label(e.action),
            "entity_type": e.entity_type,
            "entity_id": e.entity_id,
            "before": _json(e.before),
            "after": _json(e.after),
        }
        for e in events
    ]


@router.get("/audit")
def audit_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    actor: Annotated[str, Query(max_length=120)] = "",
    entity_type: Annotated[str, Query(max_length=40)] = "",
    entity_id: Annotated[str, Query(max_length=64)] = "",
    date_from_text: Annotated[str, Query(alias="date_from", max_length=12)] = "",
    date_to_text: Annotated[str, Query(alias="date_to", max_length=12)] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    ctx = page_user(request, *AUDIT_PAGE_ROLES)
    flt = _filter(_actor_prefix(session, actor.strip()), entity_type, entity_id, date_from_text, date_to_text)
    total, events = audit_search.read_page(session, flt=flt, page=page, page_size=PAGE_SIZE, actor=ctx.caller.actor)
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    query = flt.query()
    return render(
        request,
        ctx,
        "audit.html",
        f=flt,
        rows=_rows(session, events, settings.integration_names),
        total=total,
        page=page,
        pages=pages,
        query=urlencode(query),
        prev_url=f"/console/audit?{urlencode({**query, 'page': page - 1})}" if page > 1 else None,
        next_url=f"/console/audit?{urlencode({**query, 'page': page + 1})}" if page < pages else None,
        export_limit=EXPORT_LIMIT,
    )


@router.get("/audit.csv")
def audit_csv(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    actor: Annotated[str, Query(max_length=120)] = "",
    entity_type: Annotated[str, Query(max_length=40)] = "",
    entity_id: Annotated[str, Query(max_length=64)] = "",
    date_from_text: Annotated[str, Query(alias="date_from", max_length=12)] = "",
    date_to_text: Annotated[str, Query(alias="date_to", max_length=12)] = "",
) -> Response:
    """The filtered trail as CSV, newest first, at most EXPORT_LIMIT rows; UTF-8 with BOM for Excel."""
    ctx = page_user(request, *AUDIT_PAGE_ROLES)
    flt = _filter(_actor_prefix(session, actor.strip()), entity_type, entity_id, date_from_text, date_to_text)
    events = audit_search.export(session, flt=flt, limit=EXPORT_LIMIT, actor=ctx.caller.actor)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "编号",
            "时间（北京时间）",
            "操作人",
            "操作人标识",
            "操作",
            "操作代码",
            "对象类型",
            "对象编号",
            "变更前",
            "变更后",
        ]
    )
    for r in _rows(session, events, settings.integration_names):
        keys = (
            "id",
            "at",
            "actor",
            "actor_raw",
            "action_label",
            "action",
            "entity_type",
            "entity_id",
            "before",
            "after",
        )
        writer.writerow([_cell(r[k]) for k in keys])
    stamp = now_in_china().strftime("%Y%m%d-%H%M")
    return Response(
        "\ufeff" + out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="audit-{stamp}.csv"'},
    )
