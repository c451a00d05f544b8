"""The step of its setup a running task is in (mirror, checkout, diff, environment, start) and since when."""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0006'
down_revision = '0005'

TEXT = sqlmodel.sql.sqltypes.AutoString()


def upgrade() -> None:
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('setup_step', TEXT, nullable=False, server_default=''))
        batch_op.add_column(sa.Column('setup_started', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_column('setup_started')
        batch_op.drop_column('setup_step')
