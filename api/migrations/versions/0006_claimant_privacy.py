"""Claimant privacy: identity handles, SMS sender pseudonyms, web chat owners, code quotas.

Revision ID: 0006_claimant_privacy
Revises: 0005_channels
Create Date: 2026-12-02

Handles and the other tables live in the database (not Redis) because the embedded
configuration has no Redis and compose has PostgreSQL: one store that works in both,
inside the request's own transaction. Every handle row is short-lived and purged.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_claimant_privacy"
down_revision: str | Sequence[str] | None = "0005_channels"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _ts(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "identity_handles",
        sa.Column("handle", sa.String(40), nullable=False),
        sa.Column("sender", sa.String(160), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("masked", sa.String(24), nullable=False),
        sa.Column("challenge_id", sa.String(40), nullable=True),
        sa.Column("origin", sa.String(80), nullable=True),
        _ts("created_at"),
        _ts("expires_at"),
        sa.PrimaryKeyConstraint("handle", name="pk_identity_handles"),
    )
    op.create_index("ix_identity_handles_expires_at", "identity_handles", ["expires_at"])
    op.create_table(
        "sms_senders",
        sa.Column("sender", sa.String(160), nullable=False),
        sa.Column("phone", sa.String(20), nullable=False),
        _ts("created_at"),
        sa.PrimaryKeyConstraint("sender", name="pk_sms_senders"),
    )
    op.create_table(
        "web_chat_owners",
        sa.Column("sender", sa.String(160), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        _ts("created_at"),
        sa.PrimaryKeyConstraint("sender", name="pk_web_chat_owners"),
    )
    with op.batch_alter_table("identity_challenges") as batch:
        batch.alter_column("claim_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("origin", sa.String(80), nullable=True))
        batch.add_column(sa.Column("known_sender", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_index("ix_identity_challenges_origin", "identity_challenges", ["origin", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_identity_challenges_origin", "identity_challenges")
    with op.batch_alter_table("identity_challenges") as batch:
        batch.drop_column("known_sender")
        batch.drop_column("origin")
    op.drop_table("web_chat_owners")
    op.drop_table("sms_senders")
    op.drop_table("identity_handles")
