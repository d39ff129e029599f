"""GET /v1/kb/search and POST /v1/operator/suggestions over HTTP (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from fastapi.testclient import TestClient

LOCAL_NOTE = "当地规定可能不同，请以当地经办机构或12333答复为准。"


def _id_number(first17: str) -> str:
    """GB 11643 check digit appended."""
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(d) * w for d, w in zip(first17, weights, strict=True))
    return first17 + "10X98765432"[total % 11]


def _search(client: TestClient, headers: dict[str, str], **params: Any) -> Any:
    response = client.get("/v1/kb/search", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_search_ranks_entries_with_scores_and_citations(client: TestClient, auth_headers: dict[str, str]) -> None:
    body = _search(client, auth_headers, q="重庆失业金审核要几天", limit=3)
    assert body["region"] == {"code": "500000", "name": "重庆市", "matched": "重庆市", "national_fallback": False}
    top = body["results"][0]
    assert top["kind"] == "entry" and top["id"] == "review_time"
    assert "7个工作日" in top["answer"] and top["answer"].endswith("（依据：渝人社办〔2025〕112号 一（二））")
    assert top["citations"][0]["document"] == "渝人社办〔2025〕112号"
    assert len(body["results"]) == 3
    scores = [r["score"] for r in body["results"]]
    assert scores == sorted(scores, reverse=True)


def test_search_region_parameter_and_national_fallback(client: TestClient, auth_headers: dict[str, str]) -> None:
    shenyang = _search(client, auth_headers, q="失业金审核要几天", region="沈阳")
    assert shenyang["region"]["code"] == "210000" and shenyang["region"]["matched"] == "沈阳市"
    assert "短信" in shenyang["results"][0]["answer"]  # Liaoning's own variant
    nowhere = _search(client, auth_headers, q="失业金审核要几天")
    assert nowhere["region"]["code"] == "CN" and nowhere["region"]["national_fallback"]
    assert LOCAL_NOTE in nowhere["results"][0]["answer"]
    guangdong = _search(client, auth_headers, q="失业金审核要几天", region="广东省")
    assert guangdong["region"]["national_fallback"] and LOCAL_NOTE in guangdong["results"][0]["answer"]


@pytest.mark.parametrize("q", ["", "   "])
def test_empty_question_is_422(client: TestClient, auth_headers: dict[str, str], q: str) -> None:
    response = client.get("/v1/kb/search", params={"q": q}, headers=auth_headers)
    assert response.status_code == 422
    error = response.json()["error"]
    assert "q" in error["fields"] and "问题" in error["message"]


def test_missing_question_and_bad_limit_are_422(client: TestClient, auth_headers: dict[str, str]) -> None:
    assert client.get("/v1/kb/search", headers=auth_headers).status_code == 422
    response = client.get("/v1/kb/search", params={"q": "失业金", "limit": 0}, headers=auth_headers)
    assert response.status_code == 422 and "limit" in response.json()["error"]["fields"]


def test_unknown_region_is_422_in_chinese(client: TestClient, auth_headers: dict[str, str]) -> None:
    response = client.get("/v1/kb/search", params={"q": "失业金审核几天", "region": "火星"}, headers=auth_headers)
    assert response.status_code == 422
    error = response.json()["error"]
    assert "region" in error["fields"] and "火星" in error["message"]


def test_search_needs_a_token(client: TestClient) -> None:
    assert client.get("/v1/kb/search", params={"q": "失业金"}).status_code == 401
    bad = {"Authorization": "Bearer wrong"}
    assert client.get("/v1/kb/search", params={"q": "失业金"}, headers=bad).status_code == 401


def test_operator_suggestions_ready_to_read_out(client: TestClient, auth_headers: dict[str, str]) -> None:
    response = client.post(
        "/v1/operator/suggestions",
        json={"text": "来电人说单位给他填了主动离职", "region": "210000", "claim_id": None},
        headers=auth_headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    suggestions = body["suggestions"]
    assert 1 <= len(suggestions) <= 5
    first = suggestions[0]
    assert set(first) == {"reply", "score", "title", "source"}
    assert set(first["source"]) == {"kind", "id", "citations"}
    assert first["source"] == {"kind": "entry", "id": "dispute_reason", "citations": first["source"]["citations"]}
    assert "重新核实认定" in first["reply"] and "（依据：" in first["reply"]
    assert first["source"]["citations"][0]["quote"]
    assert first["title"] and 0 < first["score"] <= 1
    assert all(not c["document"].startswith(("渝", "鲁", "天津", "内蒙古")) for c in first["source"]["citations"])
    assert body["region"]["code"] == "210000" and body["abstained"] is False
    assert body["claim_status"] is None


def test_operator_suggestions_follow_the_selected_region(client: TestClient, auth_headers: dict[str, str]) -> None:
    response = client.post(
        "/v1/operator/suggestions",
        json={"text": "来电人说他在重庆，问审核要几天", "region": "内蒙古"},
        headers=auth_headers,
    )
    body = response.json()
    assert body["region"]["code"] == "150000"
    documents = {c["document"] for s in body["suggestions"] for c in s["source"]["citations"]}
    assert documents and not any(d.startswith("渝") for d in documents)


def test_operator_suggestions_say_when_there_is_no_answer(client: TestClient, auth_headers: dict[str, str]) -> None:
    response = client.post(
        "/v1/operator/suggestions", json={"text": "来电人问驾照到期了怎么换", "region": "重庆"}, headers=auth_headers
    )
    body = response.json()
    assert body["suggestions"] == [] and body["abstained"] is True
    assert "工单" in body["note"] and "区县失业保险经办机构" in body["note"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"text": "  ", "region": None}, "text"),
        ({"text": "审核几天", "region": "不存在的地方"}, "region"),
        ({}, "text"),
    ],
)
def test_operator_suggestions_bad_input_is_422(
    client: TestClient, auth_headers: dict[str, str], payload: dict[str, Any], field: str
) -> None:
    response = client.post("/v1/operator/suggestions", json=payload, headers=auth_headers)
    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]


def test_operator_suggestions_unknown_claim_is_404(client: TestClient, auth_headers: dict[str, str]) -> None:
    response = client.post(
        "/v1/operator/suggestions", json={"text": "失业金多久批", "claim_id": 987654321}, headers=auth_headers
    )
    assert response.status_code == 404


def test_operator_suggestions_include_the_claim_status(client: TestClient, auth_headers: dict[str, str]) -> None:
    with time_machine.travel(datetime(2026, 4, 10, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        created = client.post(
            "/v1/claims",
            json={
                "claimant": {"name": "李四", "id_number": _id_number("12010119800101888"), "phone": "13900001111"},
                "region": "120000",
                "start_month": "2026-01",
                "benefit_months": 12,
            },
            headers=auth_headers,
        )
        assert created.status_code == 201, created.text
        claim_id = created.json()["id"]
        response = client.post(
            "/v1/operator/suggestions",
            json={"text": "他这个月忘了按月申领怎么办", "region": "天津", "claim_id": claim_id},
            headers=auth_headers,
        )
    assert response.status_code == 200, response.text
    body = response.json()
    status = body["claim_status"]
    assert status["claim_id"] == claim_id and status["as_of"] == "2026-04-10"
    assert status["duty"] == "monthly_claim"
    assert body["suggestions"][0]["source"]["id"] == "missed_checkin"
    assert "不再享受" in body["suggestions"][0]["reply"]
