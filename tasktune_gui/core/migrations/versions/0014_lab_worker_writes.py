"""A lab's worker logins: a worker removes only the queue entry of the task it claimed, a Slurm submit process
writes the tasks of the Slurm queues it serves while Slurm holds their jobs, and a sweep's run has the database make
its trials (core/lab.py keeps the rules).

No table changes. On PostgreSQL a task put back on a queue (enqueue, retry) forgets the login and the worker that
ran it before (`claimed_by`, migration 0013; `worker`), so neither that login nor another's watchdog (a lost
worker's run) can end it while it waits; a run Slurm requeues keeps its claim. In a lab (PostgreSQL with the lab's
rules set up) the rules are made again from core/lab.py, as the owner's open and `lab setup` make them. Going down
puts back the earlier release's queue-entry rule and takes the new ones away.

Revision ID: 0014
Revises: 0012
Create Date: 2026-12-04
"""

from alembic import op

revision = '0014'
down_revision = '0012'
branch_labels = None
depends_on = None


UNCLAIM = (
    """CREATE FUNCTION tasktune_task_unclaim() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         NEW.claimed_by := NULL;
         NEW.worker := NULL;
         RETURN NEW;
       END $$""",
    """CREATE TRIGGER task_unclaim BEFORE UPDATE ON task FOR EACH ROW
       WHEN (NEW.status = 'pending' AND OLD.status NOT IN ('pending', 'running'))
       EXECUTE FUNCTION tasktune_task_unclaim()""",
)


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != 'postgresql':
        return
    for statement in UNCLAIM:
        op.execute(statement)
    from tasktune_gui.core import lab

    if lab.is_set_up(connection):
        database = str(connection.exec_driver_sql("SELECT current_database()").scalar())
        for statement in lab.security_statements(database):
            connection.exec_driver_sql(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute("DROP TRIGGER IF EXISTS task_unclaim ON task")
    op.execute("DROP FUNCTION IF EXISTS tasktune_task_unclaim()")
    op.execute("DROP POLICY IF EXISTS tt_worker_slurm ON task")
    op.execute("DROP POLICY IF EXISTS tt_worker_take ON queue_entry")
    op.execute("DROP POLICY IF EXISTS tt_worker_sweep ON task")
    op.execute("DROP FUNCTION IF EXISTS tasktune_launch_trial(text, text, text, text, jsonb, text, text)")
    op.execute("DROP FUNCTION IF EXISTS tasktune_runs_parent(text)")
    for table in ("sweep", "sweep_trial", "sweep_journal"):  # under the lab's rules from this revision on
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
        for policy in ("tt_read", "tt_admin", "tt_researcher_own", "tt_worker_run"):
            op.execute(f"DROP POLICY IF EXISTS {policy} ON {table}")
    op.execute("DROP FUNCTION IF EXISTS tasktune_task_waiting(text)")
    op.execute("DROP FUNCTION IF EXISTS tasktune_serves_slurm(text)")
    has_rules = op.get_bind().exec_driver_sql(
        "SELECT 1 FROM pg_roles WHERE rolname = 'tasktune_worker'").first() is not None
    if has_rules:
        op.execute("CREATE POLICY tt_worker_take ON queue_entry FOR DELETE TO tasktune_worker USING (true)")
