"""What a request must prove before the WeChat routes read it, as FastAPI dependencies.

Every request: the timestamp within WECHAT_TIMESTAMP_TOLERANCE_SECONDS and the signature over
(token, timestamp, nonce). A message (POST) also: its body within WECHAT_MAX_BODY_BYTES (read
first, so an oversized body is refused unread), then in safe mode its msg_signature and AES
envelope, in plain mode the replay guard (the body is not signed there). The route gets the
plain XML of a message that passed them all.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from wechatpy.crypto import WeChatCrypto

from api.channels.deps import ChannelsDep
from api.channels.limits import read_limited_body
from api.channels.wechat import protocol
from api.channels.wechat.errors import BadWeChatMessage, ReplayedRequest
from api.channels.wechat.state import WeChatState
from api.deps import SettingsDep
from api.settings import Settings
from api.vocab import ChannelKind


def wechat_crypto(settings: Settings) -> WeChatCrypto:
    return WeChatCrypto(settings.wechat_token, settings.wechat_encoding_aes_key, settings.wechat_app_id)


@dataclass(frozen=True)
class SignedQuery:
    timestamp: str
    nonce: str


async def passive_deadline(settings: SettingsDep) -> float:
    """When the passive reply must be ready (loop time), counted from the request's arrival."""
    return asyncio.get_running_loop().time() + settings.wechat_passive_reply_seconds


async def signed_query(request: Request, settings: SettingsDep) -> SignedQuery:
    """Timestamp window and signature of any request from WeChat."""
    q = request.query_params
    timestamp, nonce = q.get("timestamp", ""), q.get("nonce", "")
    protocol.check_timestamp(timestamp, now=time.time(), tolerance=settings.wechat_timestamp_tolerance_seconds)
    protocol.check_signature(
        token=settings.wechat_token, signature=q.get("signature", ""), timestamp=timestamp, nonce=nonce
    )
    return SignedQuery(timestamp=timestamp, nonce=nonce)


async def wechat_body(request: Request, settings: SettingsDep) -> bytes:
    return await read_limited_body(request, settings.wechat_max_body_bytes)


@dataclass(frozen=True)
class AuthenticMessage:
    xml: str  # plain XML, decrypted in safe mode
    query: SignedQuery
    encrypted: bool  # the reply goes back in an AES envelope too


async def authentic_message(
    body: Annotated[bytes, Depends(wechat_body)],
    query: Annotated[SignedQuery, Depends(signed_query)],
    request: Request,
    settings: SettingsDep,
    runtime: ChannelsDep,
) -> AuthenticMessage:
    try:
        xml = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadWeChatMessage("消息不是 UTF-8 编码") from None
    encrypted = request.query_params.get("encrypt_type", "raw") == "aes"
    if encrypted:
        xml = protocol.decrypt(
            xml,
            crypto=wechat_crypto(settings),
            msg_signature=request.query_params.get("msg_signature", ""),
            timestamp=query.timestamp,
            nonce=query.nonce,
        )
    else:
        # In plain mode the body is not signed: a captured (timestamp, nonce, signature) must not
        # carry another body. The same body again is a retry and goes on to de-duplication.
        digest = hashlib.sha256(body).hexdigest()[:32]
        replay = runtime.state_of(ChannelKind.wechat, WeChatState).replay
        if not await replay.first_use(f"{query.timestamp}:{query.nonce}", digest):
            raise ReplayedRequest()
    return AuthenticMessage(xml=xml, query=query, encrypted=encrypted)


Signed = Annotated[SignedQuery, Depends(signed_query)]
Authentic = Annotated[AuthenticMessage, Depends(authentic_message)]
PassiveDeadline = Annotated[float, Depends(passive_deadline)]
