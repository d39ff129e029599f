"""Claims: claimants, claims, monthly check-ins, stop events, back-pay requests.

Revision ID: 0002_claims
Revises: 0001_base
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_claims"
down_revision: str | Sequence[str] | None = "0001_base"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "claimants",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(50), nullable=False),
        sa.Column("id_hash", sa.String(64), nullable=False),
        sa.Column("id_masked", sa.String(18), nullable=False),
        sa.Column("phone", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_claimants"),
        sa.UniqueConstraint("id_hash", name="uq_claimants_id_hash"),
    )
    op.create_index("ix_claimants_phone", "claimants", ["phone"])
    op.create_table(
        "claims",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("claimant_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(12), nullable=False),
        sa.Column("region_matched_code", sa.String(12), nullable=False),
        sa.Column("start_month", sa.String(7), nullable=False),
        sa.Column("benefit_months", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("stop_from_month", sa.String(7), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(120), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["claimant_id"], ["claimants.id"], name="fk_claims_claimant_id_claimants"),
        sa.PrimaryKeyConstraint("id", name="pk_claims"),
    )
    op.create_index("ix_claims_claimant_id", "claims", ["claimant_id"])
    op.create_table(
        "claim_checkins",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("stop_reported", sa.Boolean(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(120), nullable=False),
        sa.ForeignKeyConstraint(["claim_id"], ["claims.id"], name="fk_claim_checkins_claim_id_claims"),
        sa.PrimaryKeyConstraint("id", name="pk_claim_checkins"),
        # One check-in per claim and month, whatever the concurrency.
        sa.UniqueConstraint("claim_id", "month", name="uq_claim_checkins_claim_id_month"),
    )
    op.create_table(
        "claim_stop_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("checkin_id", sa.Integer(), nullable=True),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("event_date", sa.Date(), nullable=False),
        sa.Column("stops_from_month", sa.String(7), nullable=False),
        sa.Column("report_by", sa.Date(), nullable=True),
        sa.Column("report_by_provisional", sa.Boolean(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(120), nullable=False),
        sa.ForeignKeyConstraint(["claim_id"], ["claims.id"], name="fk_claim_stop_events_claim_id_claims"),
        sa.ForeignKeyConstraint(
            ["checkin_id"], ["claim_checkins.id"], name="fk_claim_stop_events_checkin_id_claim_checkins"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_claim_stop_events"),
    )
    op.create_index("ix_claim_stop_events_claim_id", "claim_stop_events", ["claim_id"])
    op.create_table(
        "claim_backpay_requests",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("requested_by", sa.String(120), nullable=False),
        sa.Column("place", sa.String(60), nullable=True),
        sa.Column("note", sa.String(500), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(120), nullable=True),
        sa.Column("decision_note", sa.String(500), nullable=True),
        sa.ForeignKeyConstraint(["claim_id"], ["claims.id"], name="fk_claim_backpay_requests_claim_id_claims"),
        sa.PrimaryKeyConstraint("id", name="pk_claim_backpay_requests"),
    )
    op.create_index("ix_claim_backpay_requests_claim_id", "claim_backpay_requests", ["claim_id"])
    op.create_table(
        "claim_backpay_months",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["claim_backpay_requests.id"],
            name="fk_claim_backpay_months_request_id_claim_backpay_requests",
        ),
        sa.ForeignKeyConstraint(["claim_id"], ["claims.id"], name="fk_claim_backpay_months_claim_id_claims"),
        sa.PrimaryKeyConstraint("id", name="pk_claim_backpay_months"),
        sa.UniqueConstraint("claim_id", "month", name="uq_claim_backpay_months_claim_id_month"),
    )
    op.create_index("ix_claim_backpay_months_request_id", "claim_backpay_months", ["request_id"])


def downgrade() -> None:
    op.drop_table("claim_backpay_months")
    op.drop_table("claim_backpay_requests")
    op.drop_table("claim_stop_events")
    op.drop_table("claim_checkins")
    op.drop_table("claims")
    op.drop_table("claimants")
