"""api.privacy.mask_text on the shapes personal numbers take in what people type."""

from __future__ import annotations

import pytest

from api.privacy import mask_text

pytestmark = pytest.mark.security

ID = "12010319650517487X"
PHONE = "13865734807"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (f"身份证{ID}", "身份证1201**********487X"),
        (f"电话{PHONE}。", "电话138****4807。"),
        (f"+86{PHONE}", "+86138****4807"),
        (f"86{PHONE}", "86138****4807"),
        (f"{ID} {PHONE}", "1201**********487X 138****4807"),
        (f"{ID[:-1]}4{PHONE}", "1201*********************4807"),  # typed together: one long run
        ("工单GD20261122000001，消息24512896381740218", "工单GD20261122000001，消息24512896381740218"),
        ("金额1920元，2026-03-10", "金额1920元，2026-03-10"),
        # percent-encoded in a logged URL: 电 is %E7%94%B5, 查 is %E6%9F%A5
        (f"q=%E7%94%B5{PHONE}&x=1", "q=%E7%94%B5138****4807&x=1"),
        (f"q=%E6%9F%A5{ID}%2C", "q=%E6%9F%A51201**********487X%2C"),
        # grouped as people write them, and full-width digits (Chinese input methods)
        ("身份证 120103 19650517 487X", "身份证 1201**********487X"),
        ("电话 138 6573 4807，或 138-6573-4807", "电话 138****4807，或 138****4807"),
        ("电话１３８６５７３４８０７", "电话１３８****４８０７"),
        ("身份证１２０１０３１９６５０５１７４８７Ｘ", "身份证１２０１**********４８７Ｘ"),
        ("2026-03-10 10:00，编号 1234 5678 9012", "2026-03-10 10:00，编号 1234 5678 9012"),
    ],
)
def test_mask_text(text: str, masked: str) -> None:
    assert mask_text(text) == masked


def test_masking_is_idempotent() -> None:
    once = mask_text(f"{ID}{PHONE} +86{PHONE}")
    assert mask_text(once) == once
    assert ID not in once and PHONE not in once


def test_log_records_keep_their_argument_shape_for_formatters(caplog: pytest.LogCaptureFixture) -> None:
    """uvicorn's access formatter unpacks record.args: masking must not turn them into None."""
    import logging

    from uvicorn.logging import AccessFormatter

    from api.privacy import install_log_masking

    install_log_masking()
    logger = logging.getLogger("test.access")
    with caplog.at_level(logging.INFO, logger="test.access"):
        logger.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:1", "GET", f"/v1/identity/senders/sms:{PHONE}", "1.1", 200)
        logger.info("status of %s", {"id": ID})
        logger.info("code %d for %s", 5, 13865734807)
    access, mapping, number = caplog.records
    assert AccessFormatter("%(client_addr)s %(request_line)s %(status_code)s").format(access) == (
        "127.0.0.1:1 GET /v1/identity/senders/sms:138****4807 HTTP/1.1 200 OK"
    )
    assert mapping.getMessage() == "status of {'id': '1201**********487X'}"
    assert number.getMessage() == "code 5 for 138****4807"
