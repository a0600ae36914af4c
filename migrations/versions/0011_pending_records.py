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
    # Every line already stored was credited directly: none is pending.
    with op.batch_alter_table('hydra_attendance', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pending', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('review', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('reviewed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reviewed_at', sa.DateTime(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_hydra_attendance_reviewed_by_id_user_account'), 'user_account',
                                    ['reviewed_by_id'], ['id'], ondelete='SET NULL')
        batch_op.create_index('ix_hydra_force_pending', ['force_id', 'pending', 'review'], unique=False)


def downgrade():
    with op.batch_alter_table('hydra_attendance', schema=None) as batch_op:
        batch_op.drop_index('ix_hydra_force_pending')
        batch_op.drop_constraint(batch_op.f('fk_hydra_attendance_reviewed_by_id_user_account'), type_='foreignkey')
        batch_op.drop_column('reviewed_at')
        batch_op.drop_column('reviewed_by_id')
        batch_op.drop_column('review')
        batch_op.drop_column('pending')
