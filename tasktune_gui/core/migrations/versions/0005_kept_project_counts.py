"""Task counts per project and status kept by triggers: the dashboard reads a few rows, not a million index entries.

Each status, archive or project change of a task appends a -1 row for what it was and a +1 row for what it is
(rows only ever inserted, so concurrent writers never wait on a shared counter row); readers sum them, and
`core.counts.compact` folds them back into one row per project and status now and then.
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0005'
down_revision = '0004'

# A migration that recreates the task table on SQLite (batch mode) drops these triggers: it must run this again.
SQLITE_TRIGGERS = (
    """CREATE TRIGGER task_count_insert AFTER INSERT ON task WHEN NOT NEW.archived BEGIN
         INSERT INTO task_count (project_id, status, n) VALUES (NEW.project_id, NEW.status, 1); END""",
    """CREATE TRIGGER task_count_delete AFTER DELETE ON task WHEN NOT OLD.archived BEGIN
         INSERT INTO task_count (project_id, status, n) VALUES (OLD.project_id, OLD.status, -1); END""",
    """CREATE TRIGGER task_count_update AFTER UPDATE OF status, archived, project_id ON task
       WHEN OLD.status IS NOT NEW.status OR OLD.archived IS NOT NEW.archived OR OLD.project_id IS NOT NEW.project_id
       BEGIN
         INSERT INTO task_count (project_id, status, n) SELECT OLD.project_id, OLD.status, -1 WHERE NOT OLD.archived;
         INSERT INTO task_count (project_id, status, n) SELECT NEW.project_id, NEW.status, 1 WHERE NOT NEW.archived;
       END""",
)
POSTGRES_TRIGGERS = (
    """CREATE FUNCTION task_count_keep() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP <> 'INSERT' AND NOT OLD.archived THEN
           INSERT INTO task_count (project_id, status, n) VALUES (OLD.project_id, OLD.status, -1);
         END IF;
         IF TG_OP <> 'DELETE' AND NOT NEW.archived THEN
           INSERT INTO task_count (project_id, status, n) VALUES (NEW.project_id, NEW.status, 1);
         END IF;
         RETURN NULL;
       END $$""",
    """CREATE TRIGGER task_count_insert_delete AFTER INSERT OR DELETE ON task
       FOR EACH ROW EXECUTE FUNCTION task_count_keep()""",
    """CREATE TRIGGER task_count_update AFTER UPDATE OF status, archived, project_id ON task FOR EACH ROW
       WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.archived IS DISTINCT FROM NEW.archived
             OR OLD.project_id IS DISTINCT FROM NEW.project_id)
       EXECUTE FUNCTION task_count_keep()""",
)


def upgrade() -> None:
    op.create_table(
        'task_count',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('status', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
    )
    op.execute("INSERT INTO task_count (project_id, status, n) "
               "SELECT project_id, status, count(*) FROM task WHERE NOT archived GROUP BY project_id, status")
    for statement in (POSTGRES_TRIGGERS if op.get_bind().dialect.name == 'postgresql' else SQLITE_TRIGGERS):
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS task_count_update ON task")
        op.execute("DROP TRIGGER IF EXISTS task_count_insert_delete ON task")
        op.execute("DROP FUNCTION task_count_keep()")
    else:
        for name in ('task_count_insert', 'task_count_delete', 'task_count_update'):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")  # a later downgrade that rebuilt the table dropped it
    op.drop_table('task_count')
