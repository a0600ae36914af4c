"""column and value mappings (issue 12)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 11:30:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('column_mapping',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('force_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('signature', sa.String(length=64), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('headers', sa.JSON(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=True),
    sa.Column('saved_by_id', sa.Integer(), nullable=True),
    sa.Column('saved_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['force_id'], ['force.id'], name=op.f('fk_column_mapping_force_id_force')),
    sa.ForeignKeyConstraint(['saved_by_id'], ['user_account.id'], name=op.f('fk_column_mapping_saved_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_column_mapping')),
    sa.UniqueConstraint('force_id', 'kind', 'signature', name=op.f('uq_column_mapping_force_id_kind_signature'))
    )
    with op.batch_alter_table('column_mapping', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_column_mapping_force_id'), ['force_id'], unique=False)

    op.create_table('value_mapping',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('force_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('value', sa.String(length=200), nullable=False),
    sa.Column('value_key', sa.String(length=200), nullable=False),
    sa.Column('meaning', sa.String(length=20), nullable=False),
    sa.Column('saved_by_id', sa.Integer(), nullable=True),
    sa.Column('saved_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['force_id'], ['force.id'], name=op.f('fk_value_mapping_force_id_force')),
    sa.ForeignKeyConstraint(['saved_by_id'], ['user_account.id'], name=op.f('fk_value_mapping_saved_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_value_mapping')),
    sa.UniqueConstraint('force_id', 'kind', 'value_key', name=op.f('uq_value_mapping_force_id_kind_value_key'))
    )
    with op.batch_alter_table('value_mapping', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_value_mapping_force_id'), ['force_id'], unique=False)


def downgrade():
    with op.batch_alter_table('value_mapping', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_value_mapping_force_id'))
    op.drop_table('value_mapping')
    with op.batch_alter_table('column_mapping', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_column_mapping_force_id'))
    op.drop_table('column_mapping')
