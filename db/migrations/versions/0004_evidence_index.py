"""An index on the change log's evidence (``source_key``): deleting a source must find every
change that cites it, and a source's screen lists them, without reading the whole log.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_change_log_source_key", "change_log", ["source_key"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_change_log_source_key", table_name="change_log")
