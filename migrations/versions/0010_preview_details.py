"""import_batch.preview_details: who a preview adds, makes leavers, updates and matches by name (filled in by the previews work)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 15:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
