"""WeChat Official Account server URL: /channels/wechat (GET server check, POST messages)."""

from __future__ import annotations

import asyncio
import hashlib
import time

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from wechatpy.crypto import WeChatCrypto

from api.channels.limits import read_limited_body
from api.channels.runtime import channels
from api.channels.wechat import protocol
from api.channels.wechat.service import WeChatHandler
from api.errors import ForbiddenError
from api.settings import Settings

router = APIRouter(prefix="/channels/wechat", tags=["渠道"])


def _crypto(settings: Settings) -> WeChatCrypto:
    return WeChatCrypto(settings.wechat_token, settings.wechat_encoding_aes_key, settings.wechat_app_id)


def _verify(request: Request, settings: Settings) -> tuple[str, str]:
    """Timestamp window and signature of any request from WeChat; returns (timestamp, nonce)."""
    q = request.query_params
    timestamp, nonce = q.get("timestamp", ""), q.get("nonce", "")
    protocol.check_timestamp(timestamp, now=time.time(), tolerance=settings.wechat_timestamp_tolerance_seconds)
    protocol.check_signature(
        token=settings.wechat_token, signature=q.get("signature", ""), timestamp=timestamp, nonce=nonce
    )
    return timestamp, nonce


@router.get("", summary="微信服务器配置校验（echostr）", response_class=PlainTextResponse)
async def server_check(request: Request) -> PlainTextResponse:
    _verify(request, request.app.state.settings)
    return PlainTextResponse(request.query_params.get("echostr", ""))


@router.post("", summary="接收微信消息与事件（明文或安全模式）", response_class=PlainTextResponse)
async def receive(request: Request) -> Response:
    deadline = asyncio.get_running_loop().time() + request.app.state.settings.wechat_passive_reply_seconds
    settings: Settings = request.app.state.settings
    runtime = channels(request)
    body = await read_limited_body(request, settings.wechat_max_body_bytes)
    timestamp, nonce = _verify(request, settings)
    try:
        xml = body.decode("utf-8")
    except UnicodeDecodeError:
        raise protocol.BadWeChatMessage("消息不是 UTF-8 编码") from None
    encrypted = request.query_params.get("encrypt_type", "raw") == "aes"
    crypto = _crypto(settings)
    if encrypted:
        xml = protocol.decrypt(
            xml,
            crypto=crypto,
            msg_signature=request.query_params.get("msg_signature", ""),
            timestamp=timestamp,
            nonce=nonce,
        )
    else:
        # In plain mode the body is not signed: a captured (timestamp, nonce, signature) must not
        # carry another body. The same body again is a retry and goes on to de-duplication.
        digest = hashlib.sha256(body).hexdigest()[:32]
        if not await runtime.replay.first_use(f"{timestamp}:{nonce}", digest):
            raise ForbiddenError("请求参数被重复使用，已拒绝（防重放）", code="replayed_request")
    inbound = protocol.parse(xml)
    handler = WeChatHandler(runtime=runtime, rasa=request.app.state.rasa, sessions=request.app.state.sessionmaker)
    reply = await handler.handle(inbound, deadline=deadline)
    if reply is None:
        return PlainTextResponse("success")
    answer = protocol.text_reply(inbound, reply, now=int(time.time()))
    if encrypted:
        answer = protocol.encrypt(answer, crypto=crypto, nonce=nonce, timestamp=timestamp)
    return Response(answer, media_type="application/xml")
