"""The login that claimed a task, and the one that registered a worker: a lab's worker login writes only the
runs it claimed, and only its own workers' rows (core/lab.py).

On PostgreSQL triggers set them from `session_user`: `task.claimed_by` whenever a task becomes Running (a worker's
pop, a start outside pop, a plain run), `worker.login` when a worker registers (kept on every update after), so
no client names them and no worker login can act in another's name. On SQLite (one person's file) they stay empty.

Revision ID: 0013
Revises: 0010
Create Date: 2026-12-03
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0013'
down_revision = '0010'
branch_labels = None
depends_on = None

POSTGRES = (
    """CREATE FUNCTION tasktune_task_claim() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         NEW.claimed_by := session_user;
         RETURN NEW;
       END $$""",
    # BEFORE: row-level security checks the row as the trigger left it, so the claim is the login's own.
    """CREATE TRIGGER task_claim BEFORE UPDATE ON task FOR EACH ROW
       WHEN (NEW.status = 'running' AND OLD.status IS DISTINCT FROM 'running')
       EXECUTE FUNCTION tasktune_task_claim()""",
    # A worker registered before this upgrade has no login yet: the first to write its row names itself.
    """CREATE FUNCTION tasktune_worker_login() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP = 'INSERT' OR OLD.login = '' THEN
           NEW.login := session_user;
         ELSE
           NEW.login := OLD.login;
         END IF;
         RETURN NEW;
       END $$""",
    """CREATE TRIGGER worker_login BEFORE INSERT OR UPDATE ON worker FOR EACH ROW
       EXECUTE FUNCTION tasktune_worker_login()""",
)


def upgrade() -> None:
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_by', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    with op.batch_alter_table('worker', schema=None) as batch_op:
        batch_op.add_column(sa.Column('login', sqlmodel.sql.sqltypes.AutoString(), nullable=False,
                                      server_default=''))
    if op.get_bind().dialect.name == 'postgresql':
        for statement in POSTGRES:
            op.execute(statement)
        # Tasks running through the upgrade: the login that started each, as its history recorded it (0010).
        op.execute("""UPDATE task SET claimed_by = (SELECT e.actor FROM task_event e WHERE e.task_id = task.id
                                                   AND e.action = 'started' ORDER BY e.id DESC LIMIT 1)
                      WHERE status = 'running'""")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS task_claim ON task")
        op.execute("DROP FUNCTION IF EXISTS tasktune_task_claim()")
        op.execute("DROP TRIGGER IF EXISTS worker_login ON worker")
        op.execute("DROP FUNCTION IF EXISTS tasktune_worker_login()")
        # A lab's worker policies read the claim (core/lab.py): they go with it, and the release this goes back to
        # makes its own again when its owner opens the database (or with `lab setup`).
        op.execute("DROP FUNCTION IF EXISTS tasktune_runs_task(text) CASCADE")
        op.execute("DROP FUNCTION IF EXISTS tasktune_worker_lost(text) CASCADE")
        op.execute("ALTER TABLE task DROP COLUMN claimed_by CASCADE")
        op.execute("ALTER TABLE worker DROP COLUMN login CASCADE")
        for table in ("worker", "worker_queue"):  # under the lab's rules from this revision on
            op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
            for policy in ("tt_read", "tt_admin", "tt_worker_own"):
                op.execute(f"DROP POLICY IF EXISTS {policy} ON {table}")
        return
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_column('claimed_by')
    with op.batch_alter_table('worker', schema=None) as batch_op:
        batch_op.drop_column('login')
