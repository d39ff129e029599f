"""/channels/sms-reports/{provider}/{token}: the providers' delivery-receipt pushes."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from api.channels.limits import read_limited_body
from api.deps import SessionmakerDep, SettingsDep
from api.notify.errors import UnknownProvider
from api.notify.push import check_push_token
from api.notify.receipts import ACKS, Provider, Receipt, Recorded, parse_receipts, record_receipts

router = APIRouter(prefix="/channels/sms-reports", tags=["渠道"])
log = logging.getLogger(__name__)


@router.post("/{provider}/{token}", summary="短信状态报告推送（阿里云 SmsReport、腾讯云状态回调）")
async def receipts_push(
    provider: str, token: str, request: Request, settings: SettingsDep, sessions: SessionmakerDep
) -> dict[str, object]:
    if provider not in ACKS:
        raise UnknownProvider()
    check_push_token(token, settings.sms_report_token)
    body = await read_limited_body(request, settings.sms_max_body_bytes)
    name: Provider = "aliyun" if provider == "aliyun" else "tencent"
    receipts = parse_receipts(name, body)
    # The body is read on the loop; the database work runs in a worker thread, committed before the ack.
    recorded = await run_in_threadpool(_record, sessions, name, receipts)
    if recorded.unknown:
        log.warning("sms receipts from %s: %d for unknown messages", provider, recorded.unknown)
    return ACKS[provider]


def _record(sessions: sessionmaker[Session], provider: Provider, receipts: list[Receipt]) -> Recorded:
    with sessions.begin() as session:
        return record_receipts(session, provider=provider, receipts=receipts)
