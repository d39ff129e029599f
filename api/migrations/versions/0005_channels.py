"""Channels (inbound de-duplication, contacts, outbound messages) and identity verification.

Revision ID: 0005_channels
Revises: 0001_base
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_channels"
down_revision: str | Sequence[str] | None = "0001_base"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _ts(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "channel_inbound",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("reply", sa.Text(), nullable=True),
        _ts("created_at"),
        _ts("updated_at"),
        _ts("expires_at"),
        sa.PrimaryKeyConstraint("id", name="pk_channel_inbound"),
        sa.UniqueConstraint("key", name="uq_channel_inbound_key"),
    )
    op.create_index("ix_channel_inbound_expires_at", "channel_inbound", ["expires_at"])
    op.create_table(
        "channel_contacts",
        sa.Column("sender", sa.String(160), nullable=False),
        _ts("last_inbound_at"),
        sa.Column("sent_in_window", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("sender", name="pk_channel_contacts"),
    )
    op.create_table(
        "outbound_messages",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        _ts("created_at"),
        sa.Column("sender", sa.String(160), nullable=False),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("sms_template", sa.String(40), nullable=True),
        sa.Column("sms_params", sa.JSON(), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("reason", sa.String(200), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _ts("next_attempt_at", nullable=True),
        _ts("delivered_at", nullable=True),
        sa.Column("dedup_key", sa.String(200), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_outbound_messages"),
        sa.UniqueConstraint("dedup_key", name="uq_outbound_messages_dedup_key"),
    )
    op.create_index("ix_outbound_messages_status", "outbound_messages", ["status", "next_attempt_at"])
    op.create_index("ix_outbound_messages_sender", "outbound_messages", ["sender", "id"])
    op.create_table(
        "identity_challenges",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("sender", sa.String(160), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("phone_masked", sa.String(20), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        _ts("created_at"),
        _ts("expires_at"),
        _ts("verified_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_identity_challenges"),
    )
    op.create_index("ix_identity_challenges_sender", "identity_challenges", ["sender", "created_at"])
    op.create_index("ix_identity_challenges_claim_id", "identity_challenges", ["claim_id", "created_at"])
    op.create_table(
        "sender_bindings",
        sa.Column("sender", sa.String(160), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(20), nullable=False),
        _ts("verified_at"),
        _ts("verified_until"),
        sa.PrimaryKeyConstraint("sender", name="pk_sender_bindings"),
    )
    op.create_index("ix_sender_bindings_claim_id", "sender_bindings", ["claim_id"])


def downgrade() -> None:
    op.drop_table("sender_bindings")
    op.drop_table("identity_challenges")
    op.drop_table("outbound_messages")
    op.drop_table("channel_contacts")
    op.drop_table("channel_inbound")
