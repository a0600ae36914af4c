"""chief constable links and monthly picture (issue 14)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 11:30:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('chief_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('force_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=20), nullable=True),
    sa.Column('nonce', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.Column('uses', sa.Integer(), nullable=False),
    sa.Column('last_used_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['force_id'], ['force.id'], name=op.f('fk_chief_link_force_id_force')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'],
                            name=op.f('fk_chief_link_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['user_account.id'],
                            name=op.f('fk_chief_link_revoked_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chief_link'))
    )
    with op.batch_alter_table('chief_link', schema=None) as batch_op:
        batch_op.create_index('ix_chief_link_force_period', ['force_id', 'period'], unique=False)


def downgrade():
    with op.batch_alter_table('chief_link', schema=None) as batch_op:
        batch_op.drop_index('ix_chief_link_force_period')
    op.drop_table('chief_link')
