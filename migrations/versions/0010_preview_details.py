"""import_batch.preview_details: who a preview adds, makes leavers, updates and matches by name (gzipped JSON, loaded only when a list is shown)

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
    with op.batch_alter_table('import_batch', schema=None) as batch_op:
        batch_op.add_column(sa.Column('preview_details', sa.LargeBinary(), nullable=True))


def downgrade():
    with op.batch_alter_table('import_batch', schema=None) as batch_op:
        batch_op.drop_column('preview_details')
