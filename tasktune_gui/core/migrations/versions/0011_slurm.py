"""Queues bound to a Slurm partition (their options as JSON), and the Slurm job of a task."""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0011'
down_revision = '0013'  # after the logins migration, which reached main first

TEXT = sqlmodel.sql.sqltypes.AutoString()


def upgrade() -> None:
    with op.batch_alter_table('queue', schema=None) as batch_op:
        batch_op.add_column(sa.Column('slurm', sa.Text(), nullable=False, server_default=''))
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('slurm_job_id', TEXT, nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_column('slurm_job_id')
    with op.batch_alter_table('queue', schema=None) as batch_op:
        batch_op.drop_column('slurm')
