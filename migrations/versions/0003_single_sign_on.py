"""single sign-on (issue 18): accounts and forces marked "single sign-on only", and each account's last provider

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 11:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    # server_default: existing accounts and forces keep signing in with passwords until an admin says otherwise.
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sso_only', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('last_sso_provider', sa.String(length=40), nullable=True))
    with op.batch_alter_table('force', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sso_only', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('force', schema=None) as batch_op:
        batch_op.drop_column('sso_only')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('last_sso_provider')
        batch_op.drop_column('sso_only')
