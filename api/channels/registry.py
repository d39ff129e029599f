"""The channels, one line each. A new channel is one folder (its routes, its sender, a
`channel.py` with its ChannelPlugin) and one line in CHANNELS.

The routes of a channel are imported only when the app is assembled (`router()`): they use the
outbound queue, which looks the channels up here, so this module imports no channel's views.
"""

from __future__ import annotations

from fastapi import APIRouter

from api.channels.plugin import ChannelPlugin, OutboundSender, SenderContext
from api.channels.sms.channel import SMS
from api.channels.web.channel import WEB
from api.channels.wechat.channel import WECHAT
from api.vocab import ChannelKind

CHANNELS: tuple[ChannelPlugin, ...] = (WEB, WECHAT, SMS)

_BY_KIND = {plugin.kind: plugin for plugin in CHANNELS}


def plugin_for(kind: ChannelKind) -> ChannelPlugin:
    return _BY_KIND[kind]


def router() -> APIRouter:
    """Every channel's inbound routes."""
    combined = APIRouter()
    for plugin in CHANNELS:
        combined.include_router(plugin.routes())
    return combined


def build_senders(context: SenderContext) -> dict[str, OutboundSender]:
    """The sender of every channel that sends, by the ChannelKind value the outbound rows store."""
    return {plugin.kind.value: plugin.sender(context) for plugin in CHANNELS if plugin.sender is not None}


def build_states(context: SenderContext) -> dict[ChannelKind, object]:
    """What each channel keeps while the app runs, for the channels that keep something."""
    return {plugin.kind: plugin.state(context) for plugin in CHANNELS if plugin.state is not None}
