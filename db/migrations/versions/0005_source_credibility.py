"""The credibility of a source's information (the digit of the NATO Admiralty code, 1-6), kept
beside its reliability (the letter, A-F): a source graded ``B2`` is stored as ``B`` and ``2``.

An older ledger's sources keep their reliability and have no credibility. A downgrade drops
the column, and with it every credibility recorded (for developers and tests only).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("sources", sa.Column("credibility", sa.String(length=1), nullable=True))


def downgrade() -> None:
    op.drop_column("sources", "credibility")
