"""The dashboard's rates say what they are counted over, and the filters and CSV export."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from datetime import datetime

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from api.db import make_engine
from policy_kb.clock import CHINA_TZ
from tests.api.staff.fixtures import TICKET, console_login
from tests.conftest import migrated_database


# The dashboard counts every ticket: tickets other tests commit to the run's database (ticket
# events are append-only, they cannot be deleted) would be counted too. This module has its own.
@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from migrated_database(request.param, tmp_path_factory)


@pytest.fixture(scope="module")
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


def test_rates_explain_what_they_leave_out_and_filter_by_date_and_region(
    staff_client: TestClient, make_staff: Callable[..., object], auth_headers: dict[str, str]
) -> None:
    make_staff("boss", "supervisor")
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=CHINA_TZ), tick=False):
        old = staff_client.post("/v1/tickets", json=TICKET, headers=auth_headers).json()
    with time_machine.travel(datetime(2026, 3, 10, 9, 0, tzinfo=CHINA_TZ), tick=False):
        for _ in range(3):
            staff_client.post("/v1/tickets", json={**TICKET, "region": "天津"}, headers=auth_headers)
        console_login(staff_client, "boss")
        page = staff_client.get("/console/dashboard").text
        # The old one is past its acceptance limit (not signed for: 0 / 1); three still running.
        assert "按时签收 0 件 / 应签收（已签收或签收时限已过） 1 件" in page and "另有 3 件待签收未到期" in page
        assert "其中待签收 4 件" in page and "已到期应签收的工单中按时签收的比例" in page
        page = staff_client.get("/console/dashboard", params={"date_from": "2026-03-05"}).text
        assert "共 3 件" in page and "另有 3 件待签收未到期" in page
        page = staff_client.get("/console/dashboard", params={"region": "500000"}).text
        assert "共 1 件" in page and re.search(r'<option value="500000" selected>', page)
        page = staff_client.get("/console/dashboard", params={"region": "120000", "date_to": "2026-03-05"}).text
        assert "共 0 件" in page
        r = staff_client.get("/console/dashboard.csv", params={"date_from": "2026-03-05", "region": "120000"})
    assert old["number"]
    assert r.status_code == 200 and r.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert "天津市" in rows[0][1] and rows[1] == ["指标", "分子", "分母", "比率", "口径"]
    assert rows[2][:4] == ["响应率", "0", "0", "—"] and "另有 3 件待签收未到期" in rows[2][4]
    assert ["工单总数", "3"] in rows


def test_operator_filter_trend_and_calm_colours(
    staff_client: TestClient, make_staff: Callable[..., object], auth_headers: dict[str, str]
) -> None:
    unit = staff_client.app.state.settings.ticket_intake_unit  # type: ignore[attr-defined]
    make_staff("op1", "operator", unit=unit)
    make_staff("op2", "operator", unit=unit)
    make_staff("boss", "supervisor")
    with time_machine.travel(datetime(2026, 3, 9, 9, 0, tzinfo=CHINA_TZ), tick=False):
        ids = [staff_client.post("/v1/tickets", json=TICKET, headers=auth_headers).json()["id"] for _ in range(3)]
    with time_machine.travel(datetime(2026, 3, 10, 9, 0, tzinfo=CHINA_TZ), tick=False):
        for username, ticket_ids in (("op1", ids[:2]), ("op2", ids[2:])):
            csrf = console_login(staff_client, username)
            for tid in ticket_ids:
                staff_client.post(f"/console/tickets/{tid}/do/take", data={"csrf": csrf})
        staff_client.post(f"/console/tickets/{ids[2]}/do/resolve", data={"csrf": csrf, "answer": "已答复您"})
        console_login(staff_client, "boss")
        page = staff_client.get("/console/dashboard", params={"date_from": "2026-03-01"}).text
        options = dict(
            (name, value) for value, name in re.findall(r'<option value="(\d+)"[^>]*>(测试op\d)</option>', page)
        )
        assert set(options) == {"测试op1", "测试op2"}
        assert "受理 3 件，答复 1 件" in page and "2026-03-01 至 2026-03-10" in page
        assert "03-09 受理 3 件" in page and "03-10 答复 1 件" in page
        mine = staff_client.get("/console/dashboard", params={"operator": options["测试op1"]}).text
        assert "共 2 件" in mine and re.search(rf'<option value="{options["测试op1"]}" selected>', mine)
        r = staff_client.get(
            "/console/dashboard.csv", params={"operator": options["测试op2"], "date_from": "2026-03-09"}
        )
        rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
        assert "承办人 测试op2" in rows[0][1] and ["工单总数", "1"] in rows
        assert ["2026-03-10", "0", "1"] in rows and ["日期", "受理", "答复"] in rows
        assert staff_client.get("/console/dashboard", params={"operator": "x"}).status_code == 422
        assert staff_client.get("/console/dashboard", params={"operator": "", "region": ""}).status_code == 200
    # Nothing overdue: no red figure; the bar charts carry no red for ordinary categories and states.
    assert 'class="late"' not in page
    assert "#b0413e" not in page and "#b42318" not in page


def test_a_filter_left_empty_is_no_filter_and_a_bad_date_is_a_page(
    staff_client: TestClient, make_staff: Callable[..., object]
) -> None:
    """The form submits every field; an empty date used to be a raw JSON 422."""
    make_staff("boss", "supervisor")
    console_login(staff_client, "boss")
    for path in ("/console/dashboard", "/console/dashboard.csv", "/console/audit", "/console/audit.csv"):
        r = staff_client.get(path, params={"date_from": "2026-11-01", "date_to": "", "region": "", "operator": ""})
        assert r.status_code == 200, (path, r.text[:200])
    r = staff_client.get("/console/dashboard", params={"date_from": "2026-13-01"})
    assert r.status_code == 422 and 'id="error-page"' in r.text and "受理起始日期应为日期" in r.text
    r = staff_client.get("/console/audit", params={"page": "0"})
    assert r.status_code == 422 and 'id="error-page"' in r.text and "输入有误" in r.text
