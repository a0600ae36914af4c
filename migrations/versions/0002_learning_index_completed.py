"""learning_record index includes `completed`, so the league table's module query is index-only

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 22:45:00

"""
from alembic import op


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('learning_record', schema=None) as batch_op:
        batch_op.drop_index('ix_learning_person_req')
        batch_op.create_index('ix_learning_person_req', ['person_id', 'requirement_code', 'completed', 'completed_on'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('learning_record', schema=None) as batch_op:
        batch_op.drop_index('ix_learning_person_req')
        batch_op.create_index('ix_learning_person_req', ['person_id', 'requirement_code', 'completed_on'], unique=False)
