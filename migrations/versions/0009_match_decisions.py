"""match_decision.batch_id and similarity: the batch a force lead's decision was made from (the newest batch among
the decided records) and how similar the chosen person's name was, for the decisions page

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
    with op.batch_alter_table('match_decision', schema=None) as batch_op:
        batch_op.add_column(sa.Column('batch_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('similarity', sa.Float(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_match_decision_batch_id_import_batch'), 'import_batch',
                                    ['batch_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('match_decision', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_match_decision_batch_id_import_batch'), type_='foreignkey')
        batch_op.drop_column('similarity')
        batch_op.drop_column('batch_id')
