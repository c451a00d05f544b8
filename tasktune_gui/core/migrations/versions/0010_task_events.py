"""Who did what: a task_event row for each status change and edit; on PostgreSQL written by triggers.

On PostgreSQL the triggers run as the table's owner (SECURITY DEFINER) and record `session_user`, so a lab
login can neither forge nor rewrite an event: it holds no write grant on the table (core/lab.py). The client
names the action (`tasktune.action`, a transaction-local setting); a change made outside TaskTune (psql) is
still recorded, its action read from the columns it changed. On SQLite the client writes the events.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

TEXT = sqlmodel.sql.sqltypes.AutoString()

# One event per task, action and transaction: an edit writes the task and its parts in one go.
_INSERT_ONCE = """
  IF NOT EXISTS (SELECT 1 FROM task_event WHERE task_id = row_id AND time = now()
                 AND action = act) THEN
    INSERT INTO task_event (task_id, time, actor, action, status)
    VALUES (row_id, now(), session_user, act, row_status);
  END IF;
  RETURN NULL;
"""
POSTGRES = (
    """CREATE FUNCTION tasktune_task_event() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
       SET search_path = public, pg_temp AS $$
       DECLARE
         hint text := nullif(current_setting('tasktune.action', true), '');
         act text;
         row_id text;
         row_status text;
       BEGIN
         IF TG_OP = 'INSERT' THEN
           act := coalesce(hint, 'created'); row_id := NEW.id; row_status := NEW.status;
         ELSIF TG_OP = 'DELETE' THEN
           act := 'deleted'; row_id := OLD.id; row_status := OLD.status;
         ELSE
           row_id := NEW.id; row_status := NEW.status;
           IF NEW.status IS DISTINCT FROM OLD.status THEN
             act := CASE
               WHEN OLD.status = 'running' AND NEW.status = 'aborted' THEN 'stopped'
               WHEN OLD.status = 'running' OR NEW.status = 'running' THEN
                 CASE NEW.status WHEN 'running' THEN 'started' ELSE NEW.status END
               WHEN hint IS NOT NULL THEN hint
               ELSE CASE NEW.status WHEN 'pending' THEN 'enqueued' WHEN 'draft' THEN 'reset'
                                    ELSE NEW.status END
             END;
           ELSIF NEW.archived IS DISTINCT FROM OLD.archived THEN
             act := CASE WHEN NEW.archived THEN 'archived' ELSE 'restored' END;
           ELSIF NEW.abort_requested AND NOT OLD.abort_requested THEN
             act := 'aborted';
           ELSIF hint IS NOT NULL THEN
             act := hint;
           ELSIF (NEW.name, NEW.description, NEW.type, NEW.project_id, NEW."user")
                 IS DISTINCT FROM (OLD.name, OLD.description, OLD.type, OLD.project_id, OLD."user")
              OR (NEW.status <> 'running' AND (NEW.repository, NEW.branch, NEW.tag, NEW.commit, NEW.entry_point,
                    NEW.working_dir, NEW.binary, NEW.requirements, NEW.diff, NEW.container_image,
                    NEW.container_arguments, NEW.container_setup_script, NEW.output_uri, NEW.input_model_id)
                  IS DISTINCT FROM (OLD.repository, OLD.branch, OLD.tag, OLD.commit, OLD.entry_point,
                    OLD.working_dir, OLD.binary, OLD.requirements, OLD.diff, OLD.container_image,
                    OLD.container_arguments, OLD.container_setup_script, OLD.output_uri, OLD.input_model_id)) THEN
             act := 'edited';
           ELSE
             RETURN NULL;
           END IF;
         END IF;
       """ + _INSERT_ONCE + """
       END $$""",
    """CREATE FUNCTION tasktune_part_event() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
       SET search_path = public, pg_temp AS $$
       DECLARE
         act text := coalesce(nullif(current_setting('tasktune.action', true), ''), 'edited');
         row_id text;
         row_status text;
       BEGIN
         IF TG_OP = 'DELETE' THEN row_id := OLD.task_id; ELSE row_id := NEW.task_id; END IF;
         SELECT status INTO row_status FROM task WHERE id = row_id;
         IF NOT FOUND THEN RETURN NULL; END IF;  -- its task is being deleted: that event says it
       """ + _INSERT_ONCE + """
       END $$""",
    """CREATE TRIGGER task_event_keep AFTER INSERT OR UPDATE OR DELETE ON task
       FOR EACH ROW EXECUTE FUNCTION tasktune_task_event()""",
    *(f"""CREATE TRIGGER {table}_event_keep AFTER INSERT OR UPDATE OR DELETE ON {table}
          FOR EACH ROW EXECUTE FUNCTION tasktune_part_event()"""
      for table in ("hyperparameter", "user_property", "config_object", "task_tag")),
)


def upgrade() -> None:
    op.create_table(
        'task_event',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('task_id', TEXT, nullable=False),
        sa.Column('time', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('actor', TEXT, nullable=False, server_default=''),
        sa.Column('action', TEXT, nullable=False),
        sa.Column('status', TEXT, nullable=False, server_default=''),
    )
    op.create_index('ix_task_event_task', 'task_event', ['task_id', 'id'])
    if op.get_bind().dialect.name == 'postgresql':
        for statement in POSTGRES:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        for table in ("task", "hyperparameter", "user_property", "config_object", "task_tag"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_event_keep ON {table}")
        op.execute("DROP FUNCTION IF EXISTS tasktune_task_event()")
        op.execute("DROP FUNCTION IF EXISTS tasktune_part_event()")
    op.drop_index('ix_task_event_task', table_name='task_event')
    op.drop_table('task_event')
