"""Claim lookup for the hotline: masked until the operator has verified the caller.

Before verification the page shows only who and where, masked (张*, 1201**********1234,
138****1234). After the operator records how the caller was verified (audited), it
shows the claim's status, check-ins and back-pay options for the rest of this login,
for at most VERIFIED_MINUTES. The JSON API applies the same rules through the same
functions (api/claims/access.py).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from api.claims import access
from api.claims.access import mask_name
from api.console import payments
from api.console.web import CLAIM_PAGE_ROLES, ConsoleRoute, back, check_csrf, page_user, render
from api.db import SessionDep, utcnow
from api.deps import SettingsDep
from api.errors import AppError, NotFoundError
from api.policy.deps import RuleBaseDep
from api.settings import Settings
from api.tickets import search
from api.tickets import service as ticket_service
from policy_kb import RuleBase
from policy_kb.clock import china_date, today_in_china

router = APIRouter(route_class=ConsoleRoute)
ROLES = CLAIM_PAGE_ROLES
REGION_CHOICES = [
    ("", "不限地区"),
    ("120000", "天津市"),
    ("210000", "辽宁省"),
    ("500000", "重庆市"),
    ("370000", "山东省"),
    ("371500", "聊城市"),
    ("150000", "内蒙古自治区"),
    ("CN", "其他地区（国家规定）"),
]
# What the operator checks before recording a verification: only what the masked view shows
# (the last four digits of the ID number and of the phone number, api/privacy.py), so the
# operator can compare the caller's answer with the screen without the page showing more.
VERIFY_METHOD = "核对身份证号后四位和预留手机号后四位"
_ID = re.compile(r"^[1-9][0-9]{16}[0-9Xx]$")
_PHONE = re.compile(r"^1[3-9][0-9]{9}$")
# A claimant's name or its beginning: at least two characters (one surname alone matches too many),
# Chinese characters, letters and the middle dot of transliterated names (阿依古丽·买买提).
_NAME = re.compile(r"^[\u3400-\u9fffA-Za-z·•.]{2,50}$")
NAME_LIMIT = 20
RELATED_LIMIT = 20


def _claims() -> Any | None:
    """The claims service (api/claims), or None while it is not installed."""
    try:
        from api.claims import service as claims_service
    except ImportError:
        return None
    return claims_service


def _claim_or_404(claims: Any, session: Session, claim_id: int) -> Any:
    if not 0 < claim_id <= 2**31 - 1:
        raise NotFoundError("没有这个待遇记录")
    return claims.get_claim(session=session, claim_id=claim_id)


def status_label(status: Any) -> str:
    """The claim's current status in one phrase, as both the search results and the detail page show it.

    `status`: the claims service's StatusOut (or its JSON form).
    """
    s = status if isinstance(status, dict) else status.model_dump(mode="json")
    if s["stopped"]:
        return f"已停发（自 {s['stop_from_month']}）" if s.get("stop_from_month") else "已停发"
    if s["suspended"]:
        return f"暂停发放（自 {s['suspended_since']}）" if s.get("suspended_since") else "暂停发放"
    if s["ended"]:
        return "已期满"
    return "正常领取"


def _current_status(
    claims: Any, session: Session, claim_id: int, today: date, *, rule_base: RuleBase, settings: Settings
) -> Any:
    return claims.get_status(
        session=session, claim_id=claim_id, as_of=today, rule_base=rule_base, config=claims.config_from(settings)
    )


def _find(claims: Any, session: Session, q: str) -> tuple[str, list[Any]]:
    """What `q` was taken for ("id_number", "phone", "claim_id", "name" or "") and the claims found."""
    if _ID.match(q):
        return "id_number", list(claims.find_claims_by_id_number(session=session, id_number=q))
    if _PHONE.match(q):
        return "phone", list(claims.find_claims_by_phone(session=session, phone=q))
    if q.isdecimal() and len(q) <= 9:
        try:
            return "claim_id", [claims.get_claim(session=session, claim_id=int(q))]
        except AppError:
            return "claim_id", []
    if _NAME.match(q):
        # One more than shown, to tell the operator the list is cut.
        return "name", list(claims.find_claims_by_name(session=session, name=q, limit=NAME_LIMIT + 1))
    return "", []


@router.get("/claims")
def lookup(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    rule_base: RuleBaseDep,
    q: Annotated[str, Query(max_length=64)] = "",
) -> Response:
    ctx = page_user(request, *ROLES)
    claims = _claims()
    q = q.strip().replace(" ", "").replace("\u3000", "")
    rows: list[dict[str, Any]] = []
    kind, more = "", False
    if claims is not None and q:
        kind, found = _find(claims, session, q)
        more = len(found) > NAME_LIMIT
        found = found[:NAME_LIMIT]
        today = today_in_china()
        for claim in found:
            out = claims.claim_out(claim, rule_base)
            current = _current_status(claims, session, claim.id, today, rule_base=rule_base, settings=settings)
            rows.append(
                {
                    "id": out.id,
                    "name": mask_name(out.claimant.name),
                    "id_number": out.claimant.id_number,
                    "phone": out.claimant.phone,
                    "region": out.region.matched_name,
                    "status": status_label(current),
                }
            )
        # A name is masked in the trail as on the page (张*, 张**).
        access.record_console_lookup(session, actor=ctx.caller.actor, query=q, by=kind, found=len(rows))
    return render(
        request,
        ctx,
        "claims.html",
        available=claims is not None,
        q=q,
        kind=kind,
        more=more,
        name_limit=NAME_LIMIT,
        rows=rows,
        claim=None,
    )


@router.get("/claims/{claim_id}")
def claim_page(
    claim_id: int, request: Request, session: SessionDep, settings: SettingsDep, rule_base: RuleBaseDep
) -> Response:
    ctx = page_user(request, *ROLES)
    claims = _claims()
    if claims is None:
        return render(request, ctx, "claims.html", available=False, q="", kind="", rows=[], claim=None)
    row = _claim_or_404(claims, session, claim_id)
    out = claims.claim_out(row, rule_base)
    now = utcnow()
    verification = access.caller_verification(session, staff_session_id=ctx.session_id, claim_id=claim_id, now=now)
    status = backpay = amount = None
    months: list[dict[str, str]] = []
    if verification is not None:
        today = china_date(now)
        current = _current_status(claims, session, claim_id, today, rule_base=rule_base, settings=settings)
        status = current.model_dump(mode="json")
        status["label"] = status_label(status)
        backpay = status.get("backpay")
        months = payments.history(status)
        amount = payments.amount_basis(rule_base, row.region_code, today)
    secret = settings.secret_key
    related, _ = ticket_service.list_queue(
        session,
        statuses=None,
        overdue=None,
        now=now,
        limit=RELATED_LIMIT,
        search=search.of_claim(row.id, row.claimant.phone, secret_key=secret),
    )
    # Every staff read of a claim is audited, the masked one too (as over JSON, api/claims/access.py).
    access.record_console_view(session, actor=ctx.caller.actor, claim_id=claim_id, verification=verification)
    claim = out.model_dump(mode="json")
    if verification is None:
        claim["claimant"]["name"] = mask_name(out.claimant.name)
    return render(
        request,
        ctx,
        "claims.html",
        available=True,
        q="",
        kind="",
        rows=[],
        claim=claim,
        verification=verification,
        status=status,
        backpay=backpay,
        verify_method=VERIFY_METHOD,
        months=months,
        amount=amount,
        related=related,
        related_limit=RELATED_LIMIT,
        utcnow=now,
    )


@router.post("/claims/{claim_id}/verify")
def verify(
    claim_id: int,
    request: Request,
    session: SessionDep,
    csrf: Annotated[str, Form(max_length=100)] = "",
    method: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """The operator records that (and how) the caller proved to be the claimant."""
    ctx = page_user(request, *ROLES)
    check_csrf(request, ctx, csrf)
    claims = _claims()
    if claims is None:
        return back("/console/claims", "待遇查询服务暂不可用", error=True)
    _claim_or_404(claims, session, claim_id)
    method = method.strip()
    if len(method) < 2:
        return back(f"/console/claims/{claim_id}", f"请填写核实方式（如：{VERIFY_METHOD}）", error=True)
    access.record_caller_verification(
        session, staff_session_id=ctx.session_id, claim_id=claim_id, method=method, actor=ctx.caller.actor, now=utcnow()
    )
    return back(f"/console/claims/{claim_id}", "已记录身份核实，可查看待遇详情")
