"""Which TaskTune ran a task: its version and database schema, written when the run starts."""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0007'
down_revision = '0006'

TEXT = sqlmodel.sql.sqltypes.AutoString()


def upgrade() -> None:
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ran_with_version', TEXT, nullable=False, server_default=''))
        batch_op.add_column(sa.Column('ran_with_schema', TEXT, nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_column('ran_with_schema')
        batch_op.drop_column('ran_with_version')
