"""Full-text search over pledge titles, wording and notes (FTS5 on SQLite, kept in sync by
triggers). Other databases get no index here; the query layer falls back to LIKE on them.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

from alembic import op

from db import dialect

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for statement in dialect.fulltext_create(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade() -> None:
    for statement in dialect.fulltext_drop(op.get_bind().dialect.name):
        op.execute(statement)
