"""The one channel vocabulary of api/: how a claimant reached the agency.

Claims (check-ins) and tickets store a channel as a plain string (`String(20)` columns, no
database enum), so the values below are the stored ones. Each domain accepts its own subset
(`CheckinChannel`, `TicketChannel`); a value outside it is a 422 as before.

The 12333 hotline is stored as `hotline` everywhere (migration 0011 rewrote the tickets' old
`phone`). The ticket routes still spell it `phone` on the wire, as callers have always sent it:
`Spelled` translates at the schema, in and out, so storage and services see one member.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema


class Channel(StrEnum):
    web = "web"
    wechat = "wechat"
    sms = "sms"
    app = "app"
    hotline = "hotline"  # 12333 热线 (the ticket routes spell it "phone": TICKET_CHANNELS)
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


@dataclass(frozen=True)
class Spelled:
    """A route's spelling of the channels it accepts, as `Annotated[Channel, Spelled({...})]` metadata.

    Validation takes the wire spelling (or, from Python, the member itself) and gives the member;
    anything else is a `literal_error` (取值不在允许范围内) as a plain Literal would give. JSON
    output writes the wire spelling back; the JSON schema lists the wire spellings.
    """

    wire: Mapping[str, Channel]
    _spelling: dict[Channel, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_spelling", {member: word for word, member in self.wire.items()})

    def _parse(self, value: Any) -> Channel:
        if isinstance(value, Channel):
            if value in self._spelling:
                return value
        elif isinstance(value, str) and value in self.wire:
            return self.wire[value]
        expected = ", ".join(repr(word) for word in self.wire)
        raise PydanticCustomError("literal_error", "Input should be {expected}", {"expected": expected})

    def _write(self, value: Channel) -> str:
        return self._spelling[Channel(value)]

    def __get_pydantic_core_schema__(self, _source: Any, _handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            self._parse,
            serialization=core_schema.plain_serializer_function_ser_schema(self._write, when_used="json"),
        )

    def __get_pydantic_json_schema__(
        self, _schema: core_schema.CoreSchema, _handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "string", "enum": list(self.wire)}


CheckinChannel = Literal[
    Channel.wechat,
    Channel.sms,
    Channel.web,
    Channel.app,
    Channel.hotline,
    Channel.counter,
    Channel.integration,
]
# The ticket routes' words (POST /v1/tickets, the ticket reads): the hotline is "phone" there.
TICKET_CHANNELS = Spelled(
    {
        "phone": Channel.hotline,
        "web": Channel.web,
        "wechat": Channel.wechat,
        "sms": Channel.sms,
        "counter": Channel.counter,
        "other": Channel.other,
    }
)
TicketChannel = Annotated[Channel, TICKET_CHANNELS]
