"""The one channel vocabulary: each domain keeps accepting exactly the values it accepted before.

Check-ins' words are the members' values; the ticket routes spell the hotline "phone"
(api/vocab.py TICKET_CHANNELS), the rest as the members.
"""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from api.claims.schemas import CheckinIn
from api.tickets.enums import CHANNEL_LABELS
from api.tickets.schemas import TicketCreate
from api.vocab import Channel, ChannelKind
from tests.api.claims.helpers import NO_STOP
from tests.api.staff.fixtures import TICKET

CHECKIN_VALUES = ["wechat", "sms", "web", "app", "hotline", "counter", "integration"]
TICKET_WORDS = {
    "phone": Channel.hotline,
    "web": Channel.web,
    "wechat": Channel.wechat,
    "sms": Channel.sms,
    "counter": Channel.counter,
    "other": Channel.other,
}


def checkin(channel: str) -> CheckinIn:
    return CheckinIn.model_validate({"month": "2026-03", "channel": channel, "answers": NO_STOP})


@pytest.mark.parametrize("value", CHECKIN_VALUES)
def test_checkins_accept_their_stored_values(value: str) -> None:
    assert checkin(value).channel is Channel(value)


@pytest.mark.parametrize(("word", "member"), TICKET_WORDS.items())
def test_tickets_accept_their_words(word: str, member: Channel) -> None:
    body = TicketCreate.model_validate({**TICKET, "channel": word})
    assert body.channel is member
    assert TicketCreate.model_validate({**TICKET, "channel": member}).channel is member  # from Python
    assert body.model_dump(mode="json")["channel"] == word


@pytest.mark.parametrize("value", sorted({c.value for c in Channel} - set(CHECKIN_VALUES)))
def test_checkins_refuse_the_other_domains_values(value: str) -> None:
    with pytest.raises(ValidationError) as info:
        checkin(value)
    assert info.value.errors()[0]["type"] == "literal_error"  # rendered 取值不在允许范围内


OTHER_MEMBERS = sorted(set(Channel) - set(TICKET_WORDS.values()))  # app, integration


@pytest.mark.parametrize("value", [*OTHER_MEMBERS, *sorted({c.value for c in Channel} - set(TICKET_WORDS)), 7, None])
def test_tickets_refuse_the_other_domains_values(value: object) -> None:
    with pytest.raises(ValidationError) as info:
        TicketCreate.model_validate({**TICKET, "channel": value})
    assert info.value.errors()[0]["type"] == "literal_error"


def test_the_hotline_has_one_member() -> None:
    assert [c for c in Channel if "12333" in CHANNEL_LABELS.get(c, "")] == [Channel.hotline]
    assert "phone" not in Channel._value2member_map_


def test_sender_prefixes_name_their_channel() -> None:
    assert {kind.value: kind.channel for kind in ChannelKind} == {
        "web": Channel.web,
        "wx": Channel.wechat,
        "sms": Channel.sms,
    }
