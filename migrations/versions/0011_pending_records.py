"""hydra_attendance.pending: rows of another force's Hydra register waiting for this force to accept them (filled in by the cross-force work)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 15:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
