"""One head: merges the branches that each grew from 0001_base.

Revision ID: 0008_one_head
Revises: 0003_tickets, 0004_staff, 0006_claim_natural_key, 0006_claimant_privacy, 0007_sms_retry
Create Date: 2026-12-03

Features were migrated on parallel branches, so `alembic heads` listed five heads and every
upgrade had to say "heads". This revision changes no schema; it only joins the branches so the
next migration has one parent and `alembic upgrade head` means "everything".
"""

from collections.abc import Sequence

revision: str = "0008_one_head"
down_revision: str | Sequence[str] | None = (
    "0003_tickets",
    "0004_staff",
    "0006_claim_natural_key",
    "0006_claimant_privacy",
    "0007_sms_retry",
)
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
