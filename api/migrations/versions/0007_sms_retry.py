"""SMS re-sending: how many times each outbox row went to the provider and when to try next.

Revision ID: 0007_sms_retry
Revises: 0006_sms_delivery
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_sms_retry"
down_revision: str | Sequence[str] | None = "0006_sms_delivery"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sms_outbox") as batch:
        # Rows written before this migration were tried once (or held before trying: retry rows).
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True))
    # The worker's sweep reads the due retry rows.
    op.create_index("ix_sms_outbox_status_next_attempt_at", "sms_outbox", ["status", "next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_sms_outbox_status_next_attempt_at", table_name="sms_outbox")
    with op.batch_alter_table("sms_outbox") as batch:
        batch.drop_column("next_attempt_at")
        batch.drop_column("attempts")
