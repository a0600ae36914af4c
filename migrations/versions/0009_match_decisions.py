"""match_decision.batch_id: the batch a force lead's decision was made from (filled in by the decisions work)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 15:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
