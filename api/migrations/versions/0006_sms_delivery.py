"""SMS delivery: the provider's error code and its delivery receipt (状态报告) on each outbox row.

Revision ID: 0006_sms_delivery
Revises: 0001_base
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_sms_delivery"
down_revision: str | Sequence[str] | None = "0001_base"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sms_outbox") as batch:
        batch.add_column(sa.Column("provider", sa.String(20), nullable=True))
        batch.add_column(sa.Column("error_code", sa.String(60), nullable=True))
        batch.add_column(sa.Column("delivery_status", sa.String(20), nullable=True))
        batch.add_column(sa.Column("delivery_code", sa.String(40), nullable=True))
        batch.add_column(sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True))
    # Receipts name the provider's message id; the frequency check counts a mobile's recent sends.
    op.create_index("ix_sms_outbox_provider_message_id", "sms_outbox", ["provider_message_id"])
    op.create_index("ix_sms_outbox_phone_created_at", "sms_outbox", ["phone", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_sms_outbox_phone_created_at", table_name="sms_outbox")
    op.drop_index("ix_sms_outbox_provider_message_id", table_name="sms_outbox")
    with op.batch_alter_table("sms_outbox") as batch:
        for column in ("delivered_at", "delivery_code", "delivery_status", "error_code", "provider"):
            batch.drop_column(column)
