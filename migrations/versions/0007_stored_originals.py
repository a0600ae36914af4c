"""stored originals, task queue, bounded work (issue 17)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 11:30:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    # Originals in the database, so any instance can commit any preview (files stored on disk before this
    # revision are still read from UPLOAD_DIR: lms.imports.storage falls back to them).
    op.create_table('stored_upload',
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_stored_upload'))
    )
    # Background previews claimed by a worker process, with a heartbeat.
    with op.batch_alter_table('import_batch', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('claimed_by', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('heartbeat_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('import_batch', schema=None) as batch_op:
        batch_op.drop_column('heartbeat_at')
        batch_op.drop_column('claimed_by')
        batch_op.drop_column('claimed_at')
    op.drop_table('stored_upload')
