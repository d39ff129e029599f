"""The claim pages: one status label for the search results and the detail page, the
verification prompt matching the masked display, and the search by name."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.audit.models import AuditEvent
from api.claims.identity import check_digit
from api.claims.records import find_claims_by_name
from api.console.pages_claims import NAME_LIMIT
from policy_kb.clock import CHINA_TZ
from tests.api.staff.fixtures import console_login

CHONGQING = {
    "claimant": {"name": "李四", "id_number": "500101198001011235", "phone": "13900001234"},
    "region": "500000",
    "start_month": "2026-01",
    "benefit_months": 12,
}


def _row_status(page: str) -> str:
    m = re.search(r'<td class="claim-status">([^<]*)</td>', page)
    assert m, page
    return m.group(1)


def _detail_status(page: str) -> str:
    m = re.search(r'<dd id="claim-status-label">([^<]*)</dd>', page)
    assert m, page
    return m.group(1)


def test_search_and_detail_show_the_same_status(
    staff_client: TestClient, make_staff: Callable[..., object], auth_headers: dict[str, str]
) -> None:
    make_staff("op1", "operator")
    with time_machine.travel(datetime(2026, 1, 3, 10, 0, tzinfo=CHINA_TZ), tick=False):
        r = staff_client.post("/v1/claims", json=CHONGQING, headers=auth_headers)
        assert r.status_code == 201, r.text
    claim_id = r.json()["id"]
    # Chongqing: two months without 资格核验 suspend the payment (a ledger fact, not a stored status).
    with time_machine.travel(datetime(2026, 4, 5, 10, 0, tzinfo=CHINA_TZ), tick=False):
        csrf = console_login(staff_client, "op1")
        listed = _row_status(staff_client.get("/console/claims?q=13900001234").text)
        page = staff_client.post(
            f"/console/claims/{claim_id}/verify", data={"csrf": csrf, "method": "核对身份证号后四位"}
        )
        shown = _detail_status(page.text)
    assert listed == shown and listed.startswith("暂停发放（自 2026-")


def test_the_verification_prompt_asks_for_what_the_masked_view_shows(
    staff_client: TestClient, make_staff: Callable[..., object], auth_headers: dict[str, str]
) -> None:
    make_staff("op1", "operator")
    claim_id = staff_client.post("/v1/claims", json=CHONGQING, headers=auth_headers).json()["id"]
    csrf = console_login(staff_client, "op1")
    page = staff_client.get(f"/console/claims/{claim_id}").text
    assert "5001**********1235" in page and "139****1234" in page  # four digits shown of each
    assert "后六位" not in page and 'value="核对身份证号后四位和预留手机号后四位"' in page
    r = staff_client.post(f"/console/claims/{claim_id}/verify", data={"csrf": csrf, "method": "x"})
    assert "后四位" in r.text and "后六位" not in r.text


def _claim_for(name: str, n: int) -> dict[str, object]:
    # A birth date of its own: tests/api/claims/helpers.id_number numbers 120101 19800101 serials
    # from a counter, and its committed rows stay for the run (a shared number is a 409 here).
    first17 = f"12010119791231{n:03d}"
    return {
        "claimant": {"name": name, "id_number": first17 + check_digit(first17), "phone": f"137{n:08d}"},
        "region": "120000",
        "start_month": "2026-01",
        "benefit_months": 12,
    }


def test_search_by_name_exact_or_prefix_masked_bounded_and_audited(
    staff_client: TestClient, make_staff: Callable[..., object], auth_headers: dict[str, str], session: Session
) -> None:
    make_staff("op1", "operator")
    for n, name in enumerate(("王小明", "王小明明", "王大明", "小王")):
        assert staff_client.post("/v1/claims", json=_claim_for(name, n), headers=auth_headers).status_code == 201
    console_login(staff_client, "op1")
    page = staff_client.get("/console/claims?q=王小明").text
    rows = re.findall(r"<tr><td>(\d+)</td><td>([^<]*)</td>", page)
    assert [name for _, name in rows] == ["王**", "王***"]  # exact match first, then the longer name
    assert "王小明" not in page.replace('value="王小明"', "")
    page = staff_client.get("/console/claims?q=王").text  # one character: not a name search
    assert 'id="claim-results"' not in page and "至少两个字" in page
    page = staff_client.get("/console/claims?q=王大").text
    assert len(re.findall(r"<tr><td>\d+</td>", page)) == 1
    page = staff_client.get("/console/claims?q=明明").text  # a prefix, not a substring
    assert "没有找到待遇记录" in page
    trail = session.scalars(
        select(AuditEvent).where(AuditEvent.actor == "staff:op1", AuditEvent.action == "console.claim_lookup")
    ).all()
    first = next(e for e in trail if e.after and e.after.get("by") == "name")
    assert first.after == {"query": "王**", "by": "name", "found": 2}
    assert all("王小明" not in str(e.after) for e in trail)


def test_name_search_is_bounded(
    staff_client: TestClient, make_staff: Callable[..., object], auth_headers: dict[str, str]
) -> None:
    make_staff("op1", "operator")
    for n in range(NAME_LIMIT + 2):
        assert (
            staff_client.post("/v1/claims", json=_claim_for("赵六", 100 + n), headers=auth_headers).status_code == 201
        )
    console_login(staff_client, "op1")
    page = staff_client.get("/console/claims?q=赵六").text
    assert len(re.findall(r"<tr><td>\d+</td>", page)) == NAME_LIMIT and 'id="claim-results-more"' in page


def test_name_prefix_escapes_like_wildcards(session: Session) -> None:
    assert find_claims_by_name(session=session, name="%") == []
    assert find_claims_by_name(session=session, name="_") == []
