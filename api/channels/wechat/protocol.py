"""The WeChat Official Account server protocol: signatures, AES envelopes, messages, replies.

Signature: sha1 of the sorted (token, timestamp, nonce) on every request; in
encrypted (安全) mode also msg_signature = sha1 of the sorted (token, timestamp,
nonce, Encrypt), and the message is AES-CBC encrypted with the EncodingAESKey.
wechatpy implements the primitives; this module adds constant-time comparison,
the timestamp window against replays and errors that never become a 500.
"""

from __future__ import annotations

import binascii
import hashlib
import hmac
import re
import struct
from dataclasses import dataclass
from xml.parsers.expat import ExpatError

import xmltodict
from wechatpy import parse_message
from wechatpy.crypto import PrpCrypto, WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException
from wechatpy.replies import TextReply

from api.channels.wechat.errors import (
    BadMessageSignature,
    BadSignature,
    BadTimestamp,
    BadWeChatMessage,
    NotOurAccount,
    StaleTimestamp,
)


def _sha1(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def check_timestamp(timestamp: str, *, now: float, tolerance: int) -> None:
    try:
        sent_at = int(timestamp)
    except ValueError:
        raise BadTimestamp() from None
    if abs(now - sent_at) > tolerance:
        raise StaleTimestamp()


def check_signature(*, token: str, signature: str, timestamp: str, nonce: str) -> None:
    expected = _sha1(token, timestamp, nonce)
    if not hmac.compare_digest(expected.encode(), signature.encode()):
        raise BadSignature()


def _field(xml: str, name: str) -> str:
    try:
        root = xmltodict.parse(xml)
    except (ExpatError, ValueError) as exc:
        raise BadWeChatMessage("XML 格式不正确") from exc
    data = root.get("xml") if isinstance(root, dict) else None
    value = data.get(name) if isinstance(data, dict) else None
    if not isinstance(value, str) or not value:
        raise BadWeChatMessage(f"XML 缺少 {name}")
    return value


def decrypt(xml: str, *, crypto: WeChatCrypto, msg_signature: str, timestamp: str, nonce: str) -> str:
    """The plain XML inside an encrypted envelope, after checking msg_signature."""
    encrypted = _field(xml, "Encrypt")
    expected = _sha1(crypto.token, timestamp, nonce, encrypted)
    if not hmac.compare_digest(expected.encode(), msg_signature.encode()):
        raise BadMessageSignature()
    try:
        plain: str = PrpCrypto(crypto.key).decrypt(encrypted, crypto.app_id)
    except InvalidAppIdException:
        raise NotOurAccount() from None
    except (ValueError, binascii.Error, struct.error, IndexError, TypeError, UnicodeDecodeError):
        raise BadWeChatMessage("密文无法解密") from None
    return plain


def encrypt(xml: str, *, crypto: WeChatCrypto, nonce: str, timestamp: str) -> str:
    envelope: str = crypto.encrypt_message(xml, nonce, timestamp)
    return envelope


@dataclass(frozen=True)
class Inbound:
    """What we need of one WeChat message or event."""

    openid: str
    account: str  # our account's original id (gh_…), the reply's FromUserName
    msg_type: str  # text, image, voice, event, …
    event: str  # subscribe, unsubscribe, click, … ('' for messages)
    msg_id: int  # 0 for events
    create_time: int
    text: str  # Content of a text message, Recognition of a voice message

    @property
    def dedup_key(self) -> str:
        # WeChat's advice: messages by MsgId, events by FromUserName + CreateTime.
        if self.msg_id:
            return f"wx:msg:{self.msg_id}"
        return f"wx:evt:{self.openid}:{self.create_time}:{self.event}"

    @property
    def sender(self) -> str:
        return f"wx:{self.openid}"


# OpenIDs and original ids (gh_…) are short runs of letters, digits, "_" and "-".
_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def parse(xml: str) -> Inbound:
    try:
        message = parse_message(xml)
        if message is None:
            raise BadWeChatMessage("消息为空")
        data = message._data
        openid, account = message.source, message.target
        msg_type = str(data.get("MsgType", "")).lower()
        event = str(data.get("Event") or "").lower() if msg_type == "event" else ""
        msg_id = int(data["MsgId"]) if data.get("MsgId") else 0
        create_time = int(data.get("CreateTime") or 0)
        text = data.get("Content") if msg_type == "text" else data.get("Recognition") if msg_type == "voice" else ""
    except (ExpatError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise BadWeChatMessage("XML 格式不正确或缺少字段") from exc
    if not msg_type or not isinstance(openid, str) or not isinstance(account, str):
        raise BadWeChatMessage("消息缺少 FromUserName、ToUserName 或 MsgType")
    if not _ID.fullmatch(openid) or not _ID.fullmatch(account):
        raise BadWeChatMessage("FromUserName 或 ToUserName 格式不正确")
    return Inbound(
        openid=openid,
        account=account,
        msg_type=msg_type,
        event=event,
        msg_id=msg_id,
        create_time=create_time,
        text=text if isinstance(text, str) else "",
    )


def text_reply(inbound: Inbound, text: str, *, now: int) -> str:
    """A passive text reply (CDATA-safe)."""
    reply = TextReply(source=inbound.account, target=inbound.openid, content=text.replace("]]>", "]] >"), time=now)
    rendered: str = reply.render()
    return rendered
