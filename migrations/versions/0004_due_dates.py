"""due dates per person (issue 16)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 11:30:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('due_date_setting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('grace_days', sa.Integer(), nullable=False),
    sa.Column('elearning_validity_months', sa.Integer(), nullable=True),
    sa.Column('hydra_validity_months', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'],
                            name=op.f('fk_due_date_setting_updated_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_due_date_setting'))
    )
    # Existing people get no start: they were on the roster before due dates existed, so the deadline applies.
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('start_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('first_rostered_on', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_column('first_rostered_on')
        batch_op.drop_column('start_date')
    op.drop_table('due_date_setting')
