"""The hand-off ends by itself: the claimant's own rating, and who wrote a web chat message.

Revision ID: 0009_handoff_rating
Revises: 0008_one_head
Create Date: 2026-12-02

- tickets.satisfaction_by ("claimant" | "staff") and satisfaction_reason: the 满意率 counts the
  claimant's rating given in the chat; the operator's 回访 fills the field only when they did not rate.
- conversation_ratings: the rating the assistant asked for when the ticket was answered (one open
  per conversation), and whether it now waits for the reason of a 不满意.
- outbound_messages.author and quick_replies: the chat page labels staff answers 工作人员 and
  offers 满意/基本满意/不满意 as buttons.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_handoff_rating"
down_revision: str | Sequence[str] | None = "0008_one_head"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("tickets", sa.Column("satisfaction_by", sa.String(20), nullable=True))
    op.add_column("tickets", sa.Column("satisfaction_reason", sa.Text(), nullable=True))
    op.add_column("outbound_messages", sa.Column("author", sa.String(20), nullable=True))
    op.add_column("outbound_messages", sa.Column("quick_replies", sa.JSON(), nullable=True))
    op.create_table(
        "conversation_ratings",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("sender", sa.String(160), nullable=False),
        sa.Column("ticket_id", sa.Integer(), sa.ForeignKey("tickets.id"), nullable=False),
        sa.Column("stage", sa.String(10), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index(
        "uq_conversation_ratings_open_sender",
        "conversation_ratings",
        ["sender"],
        unique=True,
        sqlite_where=sa.text("done_at IS NULL"),
        postgresql_where=sa.text("done_at IS NULL"),
    )
    op.create_index("ix_conversation_ratings_ticket_id", "conversation_ratings", ["ticket_id"])


def downgrade() -> None:
    op.drop_index("ix_conversation_ratings_ticket_id", table_name="conversation_ratings")
    op.drop_index("uq_conversation_ratings_open_sender", table_name="conversation_ratings")
    op.drop_table("conversation_ratings")
    with op.batch_alter_table("outbound_messages") as batch:
        batch.drop_column("quick_replies")
        batch.drop_column("author")
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("satisfaction_reason")
        batch.drop_column("satisfaction_by")
