"""The one channel vocabulary of api/: how a claimant reached the agency.

Claims (check-ins) and tickets store a channel as a plain string (`String(20)` columns, no
database enum), so the values below are the stored ones and must not change. Each domain
accepts its own subset (`CHECKIN_CHANNELS`, `TICKET_CHANNELS`); a value outside it is a 422
as before. The 12333 hotline has two stored spellings, `phone` on tickets and `hotline` on
check-ins: unifying them would need a data migration, so both stay members for now.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal


class Channel(StrEnum):
    web = "web"
    wechat = "wechat"
    sms = "sms"
    app = "app"
    phone = "phone"  # 12333 热线, as tickets store it
    hotline = "hotline"  # 12333 热线, as check-ins store it
    counter = "counter"  # 窗口: a service counter (街镇党群服务中心, 社保分中心)
    integration = "integration"  # recorded by another agency system
    other = "other"


class ChannelKind(StrEnum):
    """The channels whose senders have ids; the prefix names it: web:<id>, wx:<openid>, sms:<mobile>.

    The prefix (not the channel's name) is what channel_contacts and the outbound rows store.
    """

    web = "web"
    wechat = "wx"
    sms = "sms"

    @property
    def channel(self) -> Channel:
        return Channel[self.name]


CheckinChannel = Literal[
    Channel.wechat,
    Channel.sms,
    Channel.web,
    Channel.app,
    Channel.hotline,
    Channel.counter,
    Channel.integration,
]
TicketChannel = Literal[Channel.phone, Channel.web, Channel.wechat, Channel.sms, Channel.counter, Channel.other]
