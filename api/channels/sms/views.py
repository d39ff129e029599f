"""Inbound SMS: /channels/sms/aliyun/{token} (Aliyun's up-message HTTP push, see aliyun.py)."""

from __future__ import annotations

import logging

from fastapi import APIRouter, BackgroundTasks, Depends, Request
from pydantic import ValidationError

from api.channels.deps import ChannelsDep
from api.channels.limits import read_limited_body
from api.channels.sms.aliyun import ACK, ITEMS, MAX_ITEMS, SmsUp
from api.channels.sms.errors import BadSmsJson, MalformedSms, NotAPushArray
from api.channels.sms.service import accept_sms, answer_sms_logged
from api.deps import SessionmakerDep, SettingsDep
from api.errors import validation_fields
from api.notify.push import check_batch_size, check_push_token

router = APIRouter(prefix="/channels/sms", tags=["渠道"])
log = logging.getLogger(__name__)


async def pushed_by_aliyun(token: str, settings: SettingsDep) -> None:
    """Aliyun's push carries no signature: the secret last path segment is its proof (aliyun.py)."""
    check_push_token(token, settings.sms_push_token)


@router.post(
    "/aliyun/{token}",
    summary="阿里云上行短信推送（HTTP 批量推送模式）",
    dependencies=[Depends(pushed_by_aliyun)],
)
async def aliyun_push(
    request: Request,
    background: BackgroundTasks,
    settings: SettingsDep,
    runtime: ChannelsDep,
    sessions: SessionmakerDep,
) -> dict[str, object]:
    body = await read_limited_body(request, settings.sms_max_body_bytes)
    messages = parse_push(body)
    for message in messages:
        pending = await accept_sms(message, runtime=runtime, sessions=sessions)
        if pending is None:
            continue  # a re-push of a message already taken (or rate limited): acknowledged only
        # Answered after the acknowledgement has been sent (Aliyun wants the answer at once); the
        # pending row, committed before, makes sure it is answered even if this process dies.
        background.add_task(answer_sms_logged, message, pending, runtime=runtime)
    return ACK


def parse_push(body: bytes) -> list[SmsUp]:
    """The valid messages of a push. A bad item is logged and skipped, so that one malformed
    message does not make Aliyun push (and us answer) the whole batch again; a push with no
    valid message at all is refused with the reason."""
    try:
        items = ITEMS.validate_json(body)
    except ValidationError as exc:
        if any(e.get("type") == "json_invalid" for e in exc.errors()):
            raise BadSmsJson() from None
        raise NotAPushArray() from None
    check_batch_size(len(items), MAX_ITEMS)
    messages: list[SmsUp] = []
    errors: list[ValidationError] = []
    for item in items:
        try:
            messages.append(SmsUp.model_validate(item))
        except ValidationError as exc:
            errors.append(exc)
    if errors:
        log.warning("sms push: %d of %d messages malformed and skipped", len(errors), len(items))
    if not messages and errors:
        fields = validation_fields(list(errors[0].errors()))
        raise MalformedSms(fields)
    return messages
