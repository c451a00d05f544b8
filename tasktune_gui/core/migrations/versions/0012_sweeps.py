"""Sweeps: the definition on the optimizer task, its trials, and the journal of its Optuna study."""

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'  # after the Slurm migration, which reached main first


def upgrade() -> None:
    op.create_table(
        'sweep',
        sa.Column('task_id', sa.String(), sa.ForeignKey('task.id', ondelete='CASCADE'), primary_key=True),
        sa.Column('definition', sa.Text(), nullable=False),
        sa.Column('state', sa.String(), nullable=False),
    )
    op.create_table(
        'sweep_trial',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('sweep_id', sa.String(), sa.ForeignKey('task.id', ondelete='CASCADE'), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('task_id', sa.String(), nullable=False, unique=True),
        sa.Column('params', sa.Text(), nullable=False),
        sa.Column('state', sa.String(), nullable=False),
        sa.Column('objective', sa.Float(), nullable=True),
    )
    op.create_index('ix_sweep_trial_number', 'sweep_trial', ['sweep_id', 'number'], unique=True)
    op.create_table(
        'sweep_journal',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('sweep_id', sa.String(), sa.ForeignKey('task.id', ondelete='CASCADE'), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
    )
    op.create_index('ix_sweep_journal_sweep', 'sweep_journal', ['sweep_id', 'id'])


def downgrade() -> None:
    op.drop_table('sweep_journal')
    op.drop_table('sweep_trial')
    op.drop_table('sweep')
