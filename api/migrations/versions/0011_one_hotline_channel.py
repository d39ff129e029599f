"""One spelling of the 12333 hotline channel: tickets' `phone` becomes `hotline`.

Revision ID: 0011_one_hotline_channel
Revises: 0010_web_chat_history
Create Date: 2026-12-04

Tickets stored the hotline as `phone`, check-ins as `hotline`; api/vocab.py now has one member,
`Channel.hotline`. The columns that store a channel's name are `tickets.channel` and
`claim_checkins.channel`; both are rewritten (check-ins never held `phone`, but a row written
by hand would otherwise be unreadable). `outbound_messages.channel` holds sender prefixes
(web, wx, sms), never the hotline. The append-only trails (audit_events, ticket_events) keep
what they recorded; neither records a ticket's channel, and check-ins recorded `hotline`.

The ticket routes still read and write `phone` (api/vocab.py TICKET_CHANNELS): only storage
changes. Downgrade gives tickets back `phone`.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011_one_hotline_channel"
down_revision: str | Sequence[str] | None = "0010_web_chat_history"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, column) of every column that stores a channel's name.
CHANNEL_COLUMNS = (("tickets", "channel"), ("claim_checkins", "channel"))


def upgrade() -> None:
    for table, column in CHANNEL_COLUMNS:
        op.execute(f"UPDATE {table} SET {column} = 'hotline' WHERE {column} = 'phone'")


def downgrade() -> None:
    op.execute("UPDATE tickets SET channel = 'phone' WHERE channel = 'hotline'")
