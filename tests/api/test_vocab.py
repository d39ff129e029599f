"""The one channel vocabulary: each domain keeps accepting exactly the values it stores."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from api.claims.schemas import CheckinIn
from api.tickets.schemas import TicketCreate
from api.vocab import Channel, ChannelKind
from tests.api.claims.helpers import NO_STOP
from tests.api.staff.fixtures import TICKET

CHECKIN_VALUES = ["wechat", "sms", "web", "app", "hotline", "counter", "integration"]
TICKET_VALUES = ["phone", "web", "wechat", "sms", "counter", "other"]


def checkin(channel: str) -> CheckinIn:
    return CheckinIn.model_validate({"month": "2026-03", "channel": channel, "answers": NO_STOP})


@pytest.mark.parametrize("value", CHECKIN_VALUES)
def test_checkins_accept_their_stored_values(value: str) -> None:
    assert checkin(value).channel is Channel(value)


@pytest.mark.parametrize("value", TICKET_VALUES)
def test_tickets_accept_their_stored_values(value: str) -> None:
    assert TicketCreate.model_validate({**TICKET, "channel": value}).channel is Channel(value)


@pytest.mark.parametrize("value", sorted({c.value for c in Channel} - set(CHECKIN_VALUES)))
def test_checkins_refuse_the_other_domains_values(value: str) -> None:
    with pytest.raises(ValidationError) as info:
        checkin(value)
    assert info.value.errors()[0]["type"] == "literal_error"  # rendered 取值不在允许范围内


@pytest.mark.parametrize("value", sorted({c.value for c in Channel} - set(TICKET_VALUES)))
def test_tickets_refuse_the_other_domains_values(value: str) -> None:
    with pytest.raises(ValidationError) as info:
        TicketCreate.model_validate({**TICKET, "channel": value})
    assert info.value.errors()[0]["type"] == "literal_error"


def test_sender_prefixes_name_their_channel() -> None:
    assert {kind.value: kind.channel for kind in ChannelKind} == {
        "web": Channel.web,
        "wx": Channel.wechat,
        "sms": Channel.sms,
    }
