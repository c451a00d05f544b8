"""Columns for containers, SSH-bound queues and lab mode: image environment, queue host, who enqueued, worker kind."""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0003'
down_revision = '0002'

TEXT = sqlmodel.sql.sqltypes.AutoString()


def upgrade() -> None:
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('enqueued_by', TEXT, nullable=False, server_default=''))
        batch_op.add_column(sa.Column('container_use_image_env', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table('queue', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ssh_host', TEXT, nullable=False, server_default=''))
        batch_op.add_column(sa.Column('remote_dir', TEXT, nullable=False, server_default=''))
        batch_op.add_column(sa.Column('gpus', TEXT, nullable=False, server_default=''))
    with op.batch_alter_table('worker', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', TEXT, nullable=False, server_default='local'))
        batch_op.add_column(sa.Column('paused', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('worker', schema=None) as batch_op:
        batch_op.drop_column('paused')
        batch_op.drop_column('kind')
    with op.batch_alter_table('queue', schema=None) as batch_op:
        batch_op.drop_column('gpus')
        batch_op.drop_column('remote_dir')
        batch_op.drop_column('ssh_host')
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_column('container_use_image_env')
        batch_op.drop_column('enqueued_by')
