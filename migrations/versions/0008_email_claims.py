"""email_log.claimed_at (a row a killed run left `pending` is sent again), job_run (a run that was due and did not
happen is noticed) and import_batch.error_report (every row error, while the summary lists the first 1,000)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 12:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('email_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_at', sa.DateTime(), nullable=True))
    with op.batch_alter_table('import_batch', schema=None) as batch_op:
        batch_op.add_column(sa.Column('error_report', sa.LargeBinary(), nullable=True))
    op.create_table(
        'job_run',
        sa.Column('job_id', sa.String(length=60), nullable=False),
        sa.Column('last_run_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('job_id', name=op.f('pk_job_run')),
    )


def downgrade():
    op.drop_table('job_run')
    with op.batch_alter_table('import_batch', schema=None) as batch_op:
        batch_op.drop_column('error_report')
    with op.batch_alter_table('email_log', schema=None) as batch_op:
        batch_op.drop_column('claimed_at')
