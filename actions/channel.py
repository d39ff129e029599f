"""Which channel a message came on (the gateway's metadata, else the sender id's prefix)."""

from __future__ import annotations

from rasa_sdk import Tracker

_BY_PREFIX = {"wx": "wechat", "wechat": "wechat", "sms": "sms", "web": "web"}


def channel_of(tracker: Tracker) -> str:
    """ "wechat", "sms" or "web"."""
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    named = str(metadata.get("channel") or "").lower()
    if named in _BY_PREFIX:
        return _BY_PREFIX[named]
    prefix = (tracker.sender_id or "").split(":", 1)[0].lower()
    return _BY_PREFIX.get(prefix, "web")


def claims_channel(tracker: Tracker) -> str:
    return channel_of(tracker)


def ticket_channel(tracker: Tracker) -> str:
    return channel_of(tracker)
