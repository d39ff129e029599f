"""WeChat Official Account server URL: /channels/wechat (GET server check, POST messages).

The signature, timestamp, body size, decryption and replay checks are dependencies
(api/channels/wechat/deps.py): a route body runs only for a request WeChat really sent.
"""

from __future__ import annotations

import time

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response

from api.channels.deps import ChannelsDep
from api.channels.wechat import protocol
from api.channels.wechat.deps import Authentic, PassiveDeadline, Signed, wechat_crypto
from api.channels.wechat.service import WeChatHandler
from api.deps import RasaDep, SessionmakerDep, SettingsDep

router = APIRouter(prefix="/channels/wechat", tags=["渠道"])


@router.get("", summary="微信服务器配置校验（echostr）", response_class=PlainTextResponse)
async def server_check(request: Request, _: Signed) -> PlainTextResponse:
    return PlainTextResponse(request.query_params.get("echostr", ""))


@router.post("", summary="接收微信消息与事件（明文或安全模式）", response_class=PlainTextResponse)
async def receive(
    deadline: PassiveDeadline,  # first: the passive window counts from the request's arrival
    message: Authentic,
    settings: SettingsDep,
    runtime: ChannelsDep,
    rasa: RasaDep,
    sessions: SessionmakerDep,
) -> Response:
    inbound = protocol.parse(message.xml)
    handler = WeChatHandler(runtime=runtime, rasa=rasa, sessions=sessions)
    reply = await handler.handle(inbound, deadline=deadline)
    if reply is None:
        return PlainTextResponse("success")
    answer = protocol.text_reply(inbound, reply, now=int(time.time()))
    if message.encrypted:
        query = message.query
        answer = protocol.encrypt(answer, crypto=wechat_crypto(settings), nonce=query.nonce, timestamp=query.timestamp)
    return Response(answer, media_type="application/xml")
