"""Counts of pledges by status, pledger, category and condition, kept by triggers (SQLite), so
that the facets and the count of a whole ledger do not group a million rows. Other databases
get nothing here; the same questions are answered by grouping the pledges.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

from alembic import op

from db import dialect

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for statement in dialect.facet_counts_create(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade() -> None:
    for statement in dialect.facet_counts_drop(op.get_bind().dialect.name):
        op.execute(statement)
