"""What a channel plugs in above the gateway: its inbound routes, how its outbound messages are
shaped when queued, the sender that delivers them, and what it keeps while the app runs.

Each channel folder (api/channels/web, wechat, sms) defines one `ChannelPlugin` in its
`channel.py`; api/channels/registry.py lists them, one line each. The outbound queue
(api/channels/outbound.py) and the dispatcher find a channel there by its `ChannelKind` and
import no channel of their own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Protocol

from fastapi import APIRouter
from redis.asyncio import Redis
from sqlalchemy.orm import Session, sessionmaker

from api.channels.enums import OutboundStatus
from api.notify import SmsProvider
from api.settings import Settings
from api.vocab import ChannelKind


@dataclass(frozen=True)
class Draft:
    """A message about to be queued: its text and, for a channel that sends templates only, the template."""

    text: str
    sms_template: str | None = None
    sms_params: dict[str, str] | None = None


def free_text(draft: Draft) -> Draft:
    """The shaping of a channel that sends text as it is: templates only matter for SMS."""
    return replace(draft, sms_template=None, sms_params=None)


@dataclass(frozen=True)
class Claimed:
    """A queued row one deliverer has claimed (status sending): what its sender needs to send it."""

    id: int
    sender: str
    channel: str
    text: str
    sms_template: str | None
    sms_params: dict[str, Any] | None
    attempts: int


class Delivery(Protocol):
    """What the dispatcher lets a sender say about the row it was given (sync: run in a worker thread)."""

    def finish(self, message_id: int, status: OutboundStatus, reason: str | None = None, channel: str = ...) -> None:
        """The row's last state: sent, or failed / undeliverable with the reason."""
        ...

    def retry_later(self, claimed: Claimed, reason: str) -> None:
        """A transient failure: the row is queued again after a back-off (failed after the last attempt)."""
        ...


class OutboundSender(Protocol):
    async def deliver(self, claimed: Claimed, delivery: Delivery) -> None: ...

    async def aclose(self) -> None:
        """Release what the sender holds (an HTTP client) when the app stops."""
        ...


@dataclass(frozen=True)
class SenderContext:
    """What the lifespan built that a channel's sender (or its run-time state) may need."""

    settings: Settings
    sessions: sessionmaker[Session]
    redis: Redis | None
    sms: SmsProvider


@dataclass(frozen=True)
class ChannelPlugin:
    kind: ChannelKind
    # The channel's inbound routes. A function, called when the app is assembled: the routes use
    # the outbound queue, which looks the plug-ins up, so they cannot be imported with them.
    routes: Callable[[], APIRouter]
    compose: Callable[[Draft], Draft] = free_text
    # None: nothing is sent; the messages are stored for the channel to fetch (the web chat page).
    sender: Callable[[SenderContext], OutboundSender] | None = None
    # What the channel keeps while the app runs (WeChat's replay guard), built once at start-up
    # and held by the shared ChannelRuntime for the channel's own routes (ChannelRuntime.state_of).
    state: Callable[[SenderContext], object] | None = None

    @property
    def stores_only(self) -> bool:
        return self.sender is None
