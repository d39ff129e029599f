"""ID and mobile numbers never reach a log unmasked: a full run over every channel and the API,
then every process's log (API at INFO with its access log, action server, Rasa) is searched."""

from __future__ import annotations

import re
import uuid
from urllib.parse import unquote_plus

import httpx
import pytest

from devtools.stack import Stack
from tests.security.channels import AUTH, create_claim, id_number, new_claimant, sms, web, wechat

pytestmark = [pytest.mark.security, pytest.mark.e2e]

# Any 18-digit resident ID or mainland mobile number, not inside a longer run of digits.
ID_RE = re.compile(r"(?<![0-9])[1-9][0-9]{16}[0-9Xx](?![0-9])")
PHONE_RE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")


def _full_run(stack: Stack) -> list[str]:
    """Drive every path that sees personal data; returns the numbers used."""
    a = create_claim(stack, new_claimant("赵六", "120000", "120103"))
    b = create_claim(stack, new_claimant("钱七", "500000", "500102"))
    stranger_phone = "13911112222"
    stranger_id = id_number("11010519900307123")
    used = [a.id_number, a.phone, b.id_number, b.phone, stranger_phone, stranger_id]

    web_sender = f"log-{uuid.uuid4().hex}"
    for text in ("我要办理按月申领", a.id_number):
        assert web(stack, web_sender, text)
    code = stack.dev_code(web_sender) or "000000"
    for text in (code, "没有", f"我的手机是{a.phone}，身份证{a.id_number}", "我要转人工"):
        web(stack, web_sender, text)

    openid = f"oLog{uuid.uuid4().hex[:24]}"
    for text in (f"身份证{b.id_number}电话{b.phone}", "为什么停发了", b.id_number, "123456"):
        wechat(stack, openid, text)
    for text in ("我的失业金为什么停发了", a.id_number, f"帮我查{stranger_id}，回电{stranger_phone}"):
        sms(stack, a.phone, text)
    sms(stack, stranger_phone, f"我是{stranger_id}，想问失业金")

    calls = [
        ("GET", f"/v1/identity/senders/sms:{a.phone}", None),
        ("POST", "/v1/identity/challenges", {"sender": f"sms:{stranger_phone}", "id_number": b.id_number}),
        ("POST", "/v1/identity/challenges", {"sender": f"sms:{stranger_phone}", "id_number": stranger_id}),
        (
            "POST",
            "/v1/tickets",
            {
                "category": "help",
                "channel": "phone",
                "region": "120000",
                "summary": f"来电人{stranger_phone}，身份证{stranger_id}，要求回电",
            },
        ),
        (
            "POST",
            "/v1/operator/suggestions",
            {"text": f"来电人身份证{a.id_number}手机{a.phone}问停发", "region": "120000"},
        ),
        ("GET", f"/v1/kb/search?q={a.id_number}{a.phone}", None),
        (
            "POST",
            "/v1/claims",
            {
                "claimant": {"name": "坏号", "id_number": a.id_number[:-1] + "0", "phone": a.phone},
                "region": "120000",
                "start_month": "2026-01",
                "benefit_months": 12,
            },
        ),
        (
            "POST",
            "/v1/claims",
            {
                "claimant": {"name": "重复", "id_number": a.id_number, "phone": stranger_phone},
                "region": "120000",
                "start_month": "2026-01",
                "benefit_months": 12,
            },
        ),
        ("GET", f"/v1/claims/{a.claim_id}", None),
    ]
    for method, path, body in calls:
        r = httpx.request(method, f"{stack.api}{path}", json=body, headers=AUTH, timeout=30)
        assert r.status_code < 500, (path, r.status_code, r.text)
    return used


def test_no_unmasked_id_or_mobile_number_in_any_log(product: Stack) -> None:
    used = _full_run(product)
    logs = sorted(product.workdir.glob("*.log"))
    assert {p.name for p in logs} >= {"api.log", "actions.log", "rasa.log"}
    assert sum(p.stat().st_size for p in logs) > 0
    found = []
    for path in logs:
        for n, raw in enumerate(path.read_text(errors="replace").splitlines(), 1):
            line = f"{raw} {unquote_plus(raw)}"  # URLs in the access log are percent-encoded
            hits = [x for x in used if x in line] + ID_RE.findall(line) + PHONE_RE.findall(line)
            if hits:
                found.append(f"{path.name}:{n}: {sorted(set(hits))} in {line[:200]}")
    assert found == []
    # The API really logged the traffic (masked): the access log saw the sender lookups.
    api_log = (product.workdir / "api.log").read_text()
    assert re.search(r"/v1/identity/senders/sms(:|%3A)1[3-9][0-9]\*{4}[0-9]{4}", api_log)
    assert "Logging error" not in api_log  # masking kept every record formattable
