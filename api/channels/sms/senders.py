"""Pseudonymous SMS senders: the dialogue engine never sees a mobile number.

An inbound SMS reaches the gateway (and so Rasa's trackers, its logs and the
Redis tracker keys) as "sms:p<HMAC(SECRET_KEY, mobile), 24 hex>", stable for a
mobile, so a conversation continues across messages and a binding holds for
weeks. The mobile is kept here, in the API's database, for two uses only:
replying (api/channels/outbound.py) and the identity factor "this message came
from the registered mobile" (api/identity/service.py). Both learn the mobile from
this table, written only by the SMS channel after the push token was checked, so
a sender string alone (a forged tracker, another integration) proves nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from api.channels.sms.models import SmsSender
from api.db import utcnow

PREFIX = "sms:p"
_MOBILE = re.compile(r"1[3-9][0-9]{9}")


def pseudonym(secret_key: str, phone: str) -> str:
    digest = hmac.new(secret_key.encode(), f"sms-sender:{phone}".encode(), hashlib.sha256).hexdigest()
    return PREFIX + digest[:24]


def remember(session: Session, *, secret_key: str, phone: str) -> str:
    """The pseudonym of `phone`, recorded (once) so that replies and the identity factor can find it."""
    sender = pseudonym(secret_key, phone)
    values = {"sender": sender, "phone": phone, "created_at": utcnow()}
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    session.execute(insert(SmsSender).values(**values).on_conflict_do_nothing(index_elements=["sender"]))
    return sender


def registered_phone(session: Session, sender: str) -> str | None:
    """The mobile an SMS pseudonym was recorded for by the SMS channel; None for anything else."""
    if not sender.startswith(PREFIX):
        return None
    row = session.get(SmsSender, sender)
    return row.phone if row is not None else None


def delivery_phone(session: Session, sender: str) -> str | None:
    """Where to send an SMS queued for `sender`: the pseudonym's mobile, or a mobile written out
    ("sms:<mobile>", as staff enter it on a ticket for the reply)."""
    address = sender.partition(":")[2]
    if _MOBILE.fullmatch(address):
        return address
    return registered_phone(session, sender)
