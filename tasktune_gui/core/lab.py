"""Lab permissions in PostgreSQL itself: group roles, grants and row-level security, and the lab's logins.

Three group roles hold the rights; `lab add-user` makes a login a member of one:
- tasktune_researcher: reads everything; creates tasks and clones anyone's; changes only tasks whose `user`
  is its login (status, definition, parts, results, queue entries);
- tasktune_admin: does all of that to any task, and manages queues, workers and projects;
- tasktune_worker: takes pending tasks from queues and writes only the runs it claimed: status and runtime
  columns of the tasks it took to Running (`task.claimed_by`, set by the database, migration 0013), their console,
  scalars, artifacts and output models; besides, it may fail a running task whose worker is lost (its watchdog).
  It removes only the queue entry of a task it has just claimed. As a Slurm submit process it takes the pending
  tasks of the Slurm queues it serves and writes their job id, pending reason and end while Slurm holds the job.
  It writes only its own workers' rows (`worker.login`), and cannot create, edit or delete tasks.
The rules hold for any client with the same login (psql too). The table owner and superusers act as admins."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import Connection

from tasktune_gui.core.errors import InvalidValue, NotPermitted, TaskTuneError
from tasktune_gui.core.users import LAB_ROLES

GROUPS = {role: f"tasktune_{role}" for role in LAB_ROLES}
ALL_GROUPS = ", ".join(GROUPS.values())
LOGIN_NAME = re.compile(r"[a-z_][a-z0-9_.-]{0,62}")
SCRAM_ITERATIONS = 4096  # PostgreSQL's own default

# Tables each task owns rows of, by what they hold.
TASK_PARTS = ("task_tag", "hyperparameter", "user_property", "config_object")
TASK_RESULTS = ("console_line", "scalar", "last_metric", "artifact")
RLS_TABLES = ("task", "queue_entry", "model", *TASK_PARTS, *TASK_RESULTS, "worker", "worker_queue", "sweep",
              "sweep_trial", "sweep_journal")
OWNS = "tasktune_owns_task"
RUNS = "tasktune_runs_task"
LOST = "tasktune_worker_lost"
WAITING = "tasktune_task_waiting"
SERVES = "tasktune_serves_slurm"
RUNS_PARENT = "tasktune_runs_parent"
LAUNCH_TRIAL = "tasktune_launch_trial"
SWEEP_TABLES = {"sweep": "task_id", "sweep_trial": "sweep_id", "sweep_journal": "sweep_id"}  # and their task
# What replaced earlier releases' functions, dropped once no policy uses them.
RETIRED_FUNCTIONS = ("tasktune_task_running(text)",)
# How long a worker with no watchdog timeout of its own may be silent before another login may fail its tasks:
# the watchdog's default (execution/worker/watchdog.py), which judges lost tasks first; this is only the floor.
LOST_AFTER_S = 30
# The columns of a task a worker writes as it runs one (lifecycle's worker side, pop, record_runtime).
WORKER_TASK_COLUMNS = (
    "status", "status_reason", "status_message", "status_before_enqueue", "abort_requested", "started",
    "completed", "last_update", "worker", "host", "pid", "exit_code", "container_id", "setup_step",
    "setup_started", "ran_with_version", "ran_with_schema", "last_iteration", "commit", "requirements",
    "container_image", "slurm_job_id",
)


def _create_groups() -> str:
    creates = "\n".join(
        f"IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{group}') THEN CREATE ROLE {group} NOLOGIN; END IF;"
        for group in GROUPS.values()
    )
    return f"DO $$ BEGIN\n{creates}\nEND $$"


def security_statements(database: str) -> list[str]:
    """Every statement that sets the lab's rules up; each may run again (a re-run refreshes them)."""
    researcher, admin, worker = GROUPS["researcher"], GROUPS["admin"], GROUPS["worker"]
    quoted_db = '"' + database.replace('"', '""') + '"'
    statements = [
        _create_groups(),
        f"GRANT CONNECT ON DATABASE {quoted_db} TO {ALL_GROUPS}",
        f"GRANT USAGE ON SCHEMA public TO {ALL_GROUPS}",
        f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA public FROM {ALL_GROUPS}",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {ALL_GROUPS}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {ALL_GROUPS}",
        # Derived rows every writer appends (the change feed; the kept counts, which a read may fold).
        f"GRANT INSERT, DELETE ON change_record, task_count TO {ALL_GROUPS}",
        f"GRANT INSERT, UPDATE ON project TO {researcher}, {admin}",
        f"GRANT INSERT, UPDATE, DELETE ON {', '.join(('task', 'queue_entry', 'model', *TASK_PARTS, *TASK_RESULTS))} "
        f"TO {researcher}, {admin}",
        f"GRANT INSERT, UPDATE, DELETE ON queue, project, worker, worker_queue TO {admin}",
        f"GRANT INSERT, UPDATE, DELETE ON worker, worker_queue TO {worker}",
        f"GRANT INSERT ON queue TO {worker}",  # `worker --queue NAME` creates the queues it watches
        f"GRANT UPDATE ({', '.join(WORKER_TASK_COLUMNS)}) ON task TO {worker}",
        f"GRANT UPDATE (position), DELETE ON queue_entry TO {worker}",  # FOR UPDATE needs a column grant
        f"GRANT INSERT, UPDATE, DELETE ON {', '.join(TASK_RESULTS)} TO {worker}",
        f"GRANT INSERT, UPDATE ON model TO {worker}",
        f"GRANT INSERT, UPDATE, DELETE ON {', '.join(SWEEP_TABLES)} TO {researcher}, {admin}",
        f"GRANT INSERT, UPDATE ON sweep_trial, sweep_journal TO {worker}",  # of the sweep it runs (policies below)
        # Schema-qualified and without a SET clause, so the planner can inline them into the policies.
        f"""CREATE OR REPLACE FUNCTION {OWNS}(task text) RETURNS boolean LANGUAGE sql STABLE AS
            $$ SELECT EXISTS (SELECT 1 FROM public.task t WHERE t.id = task AND t."user" = session_user::text) $$""",
        f"""CREATE OR REPLACE FUNCTION {RUNS}(task text) RETURNS boolean LANGUAGE sql STABLE AS
            $$ SELECT EXISTS (SELECT 1 FROM public.task t WHERE t.id = task AND t.status = 'running'
                              AND t.claimed_by = session_user::text) $$""",
        # A worker no longer heartbeating (or gone) within its own watchdog timeout; never a run without one.
        f"""CREATE OR REPLACE FUNCTION {WAITING}(task text) RETURNS boolean LANGUAGE sql STABLE AS
            $$ SELECT EXISTS (SELECT 1 FROM public.task t WHERE t.id = task AND t.status = 'pending') $$""",
        # A Slurm queue one of this login's workers (its submit process) serves.
        f"""CREATE OR REPLACE FUNCTION {SERVES}(slurm_queue text) RETURNS boolean LANGUAGE sql STABLE AS
            $$ SELECT EXISTS (SELECT 1 FROM public.worker w JOIN public.worker_queue wq ON wq.worker_id = w.id
                              JOIN public.queue q ON q.name = wq.queue_name
                              WHERE w.login = session_user::text AND wq.queue_name = slurm_queue
                              AND q.slurm <> '') $$""",
        f"""CREATE OR REPLACE FUNCTION {RUNS_PARENT}(task text) RETURNS boolean LANGUAGE sql STABLE AS
            $$ SELECT EXISTS (SELECT 1 FROM public.task c JOIN public.task p ON p.id = c.parent_id
                              WHERE c.id = task AND p.status = 'running' AND p.claimed_by = session_user::text) $$""",
        launch_trial_function(),
        f"REVOKE ALL ON FUNCTION {LAUNCH_TRIAL}(text, text, text, text, jsonb, text, text) FROM PUBLIC",
        f"GRANT EXECUTE ON FUNCTION {LAUNCH_TRIAL}(text, text, text, text, jsonb, text, text) TO {ALL_GROUPS}",
        f"""CREATE OR REPLACE FUNCTION {LOST}(worker_id text) RETURNS boolean LANGUAGE sql STABLE AS
            $$ SELECT worker_id <> '' AND NOT EXISTS (SELECT 1 FROM public.worker w WHERE w.id = worker_id
                   AND w.last_heartbeat >= now() - make_interval(
                       secs => coalesce(w.watchdog_timeout, {LOST_AFTER_S}))) $$""",
    ]
    for table in RLS_TABLES:
        statements += [f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY", *_drop_policies(table),
                       f"CREATE POLICY tt_read ON {table} FOR SELECT USING (true)",
                       f"CREATE POLICY tt_admin ON {table} FOR ALL TO {admin} USING (true) WITH CHECK (true)"]
    own = "\"user\" = session_user::text"
    statements += [
        f"CREATE POLICY tt_researcher_insert ON task FOR INSERT TO {researcher} WITH CHECK ({own})",
        f"CREATE POLICY tt_researcher_update ON task FOR UPDATE TO {researcher} USING ({own}) WITH CHECK ({own})",
        f"CREATE POLICY tt_researcher_delete ON task FOR DELETE TO {researcher} USING ({own})",
        # A worker claims a pending task (the claim trigger names it) and writes only the running ones it
        # claimed, to their end; its watchdog may fail another's whose worker is lost.
        f"""CREATE POLICY tt_worker_run ON task FOR UPDATE TO {worker}
            USING (status = 'pending' OR (status = 'running' AND (claimed_by = session_user::text OR {LOST}(worker))))
            WITH CHECK ((status IN ('running', 'completed', 'failed', 'aborted') AND claimed_by = session_user::text)
                        OR (status = 'failed' AND {LOST}(worker)))""",
        f"""CREATE POLICY tt_researcher_entry ON queue_entry FOR ALL TO {researcher} USING ({OWNS}(task_id))
            WITH CHECK ({OWNS}(task_id))""",
        # It removes the entry of the task it has just claimed (a pop marks it Running first), or one left behind
        # by a task no longer waiting; never the entry of another's pending task, which would dequeue it.
        # A Slurm submit process takes a pending task out of a Slurm queue it serves for a job (core/slurm_jobs.py).
        f"""CREATE POLICY tt_worker_take ON queue_entry FOR DELETE TO {worker}
            USING (NOT {WAITING}(task_id) OR {SERVES}((SELECT q.name FROM public.queue q WHERE q.id = queue_id))
                   OR {RUNS_PARENT}(task_id))""",
        # A sweep's run dequeues its pending trials and asks its running ones to abort (stop, pruning, time up).
        f"""CREATE POLICY tt_worker_sweep ON task FOR UPDATE TO {worker} USING ({RUNS_PARENT}(id))
            WITH CHECK ({RUNS_PARENT}(id) AND (status = 'draft' OR (status = 'running' AND abort_requested)))""",
        # The submit process writes a task of a Slurm queue it serves while Slurm holds its job: the job's id, why
        # it waits, who submitted it (`worker`, one of its own) and its end before it ran; back to Pending when
        # Slurm requeues a run of its login. Its columns are the worker's (WORKER_TASK_COLUMNS).
        f"""CREATE POLICY tt_worker_slurm ON task FOR UPDATE TO {worker}
            USING (status IN ('pending', 'running') AND {SERVES}(queue))
            WITH CHECK (status IN ('pending', 'failed', 'aborted') AND {SERVES}(queue)
                        AND (claimed_by = session_user::text
                             OR worker IN (SELECT w.id FROM public.worker w WHERE w.login = session_user::text)))""",
        # Locking the entry it takes (FOR UPDATE) checks an update policy's USING; nothing may be written.
        f"CREATE POLICY tt_worker_lock ON queue_entry FOR UPDATE TO {worker} USING (true) WITH CHECK (false)",
        f"""CREATE POLICY tt_researcher_model ON model FOR ALL TO {researcher}
            USING (task_id IS NULL OR {OWNS}(task_id)) WITH CHECK (task_id IS NULL OR {OWNS}(task_id))""",
        f"CREATE POLICY tt_worker_model_insert ON model FOR INSERT TO {worker} WITH CHECK ({RUNS}(task_id))",
        f"""CREATE POLICY tt_worker_model_update ON model FOR UPDATE TO {worker} USING ({RUNS}(task_id))
            WITH CHECK ({RUNS}(task_id))""",
    ]
    # A worker login beats, pauses and removes only its own workers (`login`: set by the database, migration
    # 0013), so it cannot silence another's to have that one's runs judged lost. A row from before has none yet.
    own_worker = "login IN (session_user::text, '')"
    statements += [
        f"""CREATE POLICY tt_worker_own ON worker FOR ALL TO {worker} USING ({own_worker})
            WITH CHECK (login = session_user::text)""",
        f"""CREATE POLICY tt_worker_own ON worker_queue FOR ALL TO {worker}
            USING (worker_id IN (SELECT id FROM public.worker WHERE {own_worker}))
            WITH CHECK (worker_id IN (SELECT id FROM public.worker WHERE login = session_user::text))""",
    ]
    for table in (*TASK_PARTS, *TASK_RESULTS):
        statements.append(f"""CREATE POLICY tt_researcher_own ON {table} FOR ALL TO {researcher}
                              USING ({OWNS}(task_id)) WITH CHECK ({OWNS}(task_id))""")
    for table, key in SWEEP_TABLES.items():  # a sweep's records: its owner's; the trials and study its run's
        statements.append(f"""CREATE POLICY tt_researcher_own ON {table} FOR ALL TO {researcher}
                              USING ({OWNS}({key})) WITH CHECK ({OWNS}({key}))""")
        if table != "sweep":
            statements.append(f"""CREATE POLICY tt_worker_run ON {table} FOR ALL TO {worker}
                                  USING ({RUNS}({key})) WITH CHECK ({RUNS}({key}))""")
    for table in TASK_RESULTS:
        statements.append(f"""CREATE POLICY tt_worker_run ON {table} FOR ALL TO {worker}
                              USING ({RUNS}(task_id)) WITH CHECK ({RUNS}(task_id))""")
    # After the policies that used them are replaced.
    statements += [f"DROP FUNCTION IF EXISTS {function}" for function in RETIRED_FUNCTIONS]
    return statements


def launch_trial_function() -> str:
    """A sweep's trial made by the login running the sweep, whatever its role: a clone of the sweep's base task
    (its parent) with the given hyperparameter values, owned by the sweep's owner, tagged, in the sweep's project
    and enqueued, as core/sweeps/service.py makes one. It runs as the tables' owner (a worker may create no task
    itself) and refuses any sweep the caller has not claimed."""
    from tasktune_gui.core.models import Task
    from tasktune_gui.core.tasks import CLONED_FIELDS, CLONED_TABLES

    fresh = Task(id="", name="").model_dump(mode="json")  # a new task's values, which a clone starts from
    copies = []
    for table in CLONED_TABLES:
        name = table.__tablename__
        columns = ", ".join(f'"{c.name}"' for c in table.__table__.columns if c.name != "task_id")
        copies.append(f"INSERT INTO public.{name} (task_id, {columns}) "
                      f"SELECT p_trial, {columns} FROM public.{name} WHERE task_id = v_sweep.parent_id;")
    cloned = ", ".join(f"'{name}'" for name in CLONED_FIELDS)
    return f"""CREATE OR REPLACE FUNCTION {LAUNCH_TRIAL}(p_sweep text, p_trial text, p_name text, p_project text,
                   p_values jsonb, p_queue text, p_tag text) RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
        DECLARE
          v_sweep public.task;
          v_queue public.queue;
          v_project integer;
        BEGIN
          SELECT * INTO v_sweep FROM public.task t WHERE t.id = p_sweep AND t.type = 'optimizer'
            AND t.status = 'running' AND t.claimed_by = session_user::text;
          IF NOT FOUND THEN
            RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege', MESSAGE = 'not permitted: ' || session_user
              || ' launches trials only of a sweep it runs (not ' || p_sweep || ')';
          END IF;
          SELECT * INTO v_queue FROM public.queue q WHERE q.name = p_queue;
          IF NOT FOUND THEN
            RAISE EXCEPTION USING ERRCODE = 'no_data_found', MESSAGE = 'no queue named ' || p_queue;
          END IF;
          INSERT INTO public.project (name, description, created, last_update) VALUES (p_project, '', now(), now())
            ON CONFLICT (name) DO NOTHING;
          SELECT p.id INTO v_project FROM public.project p WHERE p.name = p_project;
          PERFORM set_config('tasktune.action', 'cloned', true);
          INSERT INTO public.task SELECT r.* FROM public.task b, jsonb_populate_record(NULL::public.task,
              '{json.dumps(fresh)}'::jsonb
              || (SELECT coalesce(jsonb_object_agg(e.key, e.value), '{{}}'::jsonb) FROM jsonb_each(to_jsonb(b)) e
                  WHERE e.key IN ({cloned}))
              || jsonb_build_object('id', p_trial, 'name', p_name, 'project_id', v_project, 'parent_id', p_sweep,
                                    'user', v_sweep."user", 'status', 'draft', 'created', now(), 'last_update', now())
            ) r WHERE b.id = v_sweep.parent_id;
          IF NOT FOUND THEN
            RAISE EXCEPTION USING ERRCODE = 'no_data_found',
              MESSAGE = 'the base task ' || coalesce(v_sweep.parent_id, '') || ' of sweep ' || p_sweep || ' is gone';
          END IF;
          {chr(10).join(copies)}
          UPDATE public.hyperparameter h SET value = v.value FROM jsonb_each_text(p_values) v
            WHERE h.task_id = p_trial AND h.section = split_part(v.key, '/', 1)
              AND h.name = substr(v.key, length(split_part(v.key, '/', 1)) + 2);
          INSERT INTO public.task_tag (task_id, tag) VALUES (p_trial, p_tag) ON CONFLICT DO NOTHING;
          PERFORM set_config('tasktune.action', 'enqueued', true);
          UPDATE public.task SET status = 'pending', queue = v_queue.name, status_before_enqueue = 'draft',
                 enqueued_by = session_user::text, status_reason = '', status_message = '', slurm_job_id = '',
                 last_update = now()
            WHERE id = p_trial;
          INSERT INTO public.queue_entry (queue_id, task_id, position, enqueued)
            SELECT v_queue.id, p_trial, coalesce(max(e.position), 0) + 1, now() FROM public.queue_entry e
            WHERE e.queue_id = v_queue.id;
          PERFORM set_config('tasktune.action', '', true);
          UPDATE public.project SET last_update = now() WHERE id = v_project;
        END $fn$"""


def _drop_policies(table: str) -> list[str]:
    names = ("tt_read", "tt_admin", "tt_researcher_insert", "tt_researcher_update", "tt_researcher_delete",
             "tt_worker_run", "tt_researcher_entry", "tt_worker_take", "tt_worker_lock", "tt_researcher_model",
             "tt_worker_model_insert", "tt_worker_model_update", "tt_researcher_own", "tt_worker_own",
             "tt_worker_slurm", "tt_worker_sweep")
    return [f"DROP POLICY IF EXISTS {name} ON {table}" for name in names]


def disable_statements() -> list[str]:
    """Row-level security off (the grants stay): for measuring what it costs, never for a lab in use."""
    return [f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY" for table in RLS_TABLES]


def _require_postgres(connection: Connection) -> None:
    if connection.dialect.name != "postgresql":
        raise TaskTuneError("lab users live in a shared PostgreSQL database; a SQLite file is one person's")


def _require_role_admin(connection: Connection) -> None:
    allowed = connection.exec_driver_sql(
        "SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = session_user").scalar()
    if not allowed:
        user = connection.exec_driver_sql("SELECT session_user").scalar()
        raise NotPermitted(f"{user} cannot manage lab users: connect as the lab's admin (a login with CREATEROLE, "
                           "such as the database's owner set up in the README)")


def set_up(connection: Connection) -> None:
    """Create (or refresh) the group roles, grants and row-level security of this database."""
    _require_postgres(connection)
    _require_role_admin(connection)
    database = str(connection.exec_driver_sql("SELECT current_database()").scalar())
    for statement in security_statements(database):
        connection.exec_driver_sql(statement)


def check_login_name(name: str) -> str:
    if not LOGIN_NAME.fullmatch(name) or name.startswith(("tasktune_", "pg_")):
        raise InvalidValue(f"'{name}' is not a lab login name (lowercase letters, digits, '_', '.', '-'; "
                           "not starting with tasktune_ or pg_)")
    return name


def scram_verifier(password: str) -> str:
    """PostgreSQL's SCRAM-SHA-256 form of a password, made here: the password itself never reaches the server
    (nor its statement log)."""
    salt = secrets.token_bytes(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, SCRAM_ITERATIONS)
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", "sha256").digest()

    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode("ascii")

    return f"SCRAM-SHA-256${SCRAM_ITERATIONS}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"


def add_user(connection: Connection, name: str, role: str, password: str | None = None) -> bool:
    """Make `name` a login of the lab with `role` (set up the lab's rules first); True when the login is new."""
    if role not in GROUPS:
        raise InvalidValue(f"'{role}' is not a lab role (use {', '.join(LAB_ROLES)})")
    name = check_login_name(name)
    if not is_set_up(connection):
        set_up(connection)  # the first login added sets the lab up (its owner does that); `lab setup` refreshes
    else:
        _require_role_admin(connection)
    quoted = '"' + name + '"'  # the name is checked above: no quote can be in it
    exists = connection.exec_driver_sql("SELECT 1 FROM pg_roles WHERE rolname = %(n)s", {"n": name}).first()
    if exists is None:
        connection.exec_driver_sql(f"CREATE ROLE {quoted} LOGIN")
    else:
        connection.exec_driver_sql(f"ALTER ROLE {quoted} LOGIN")
    if password:
        # A literal, not a parameter: ALTER ROLE takes no parameters. The verifier is base64 and '$:' only.
        connection.exec_driver_sql(f"ALTER ROLE {quoted} PASSWORD '{scram_verifier(password)}'")
    for other, group in GROUPS.items():
        if other != role:
            connection.exec_driver_sql(f"REVOKE {group} FROM {quoted}")
    connection.exec_driver_sql(f"GRANT {GROUPS[role]} TO {quoted}")
    # An admin manages the lab's logins too (`lab add-user` with their own connection).
    connection.exec_driver_sql(f"ALTER ROLE {quoted} {'CREATEROLE' if role == 'admin' else 'NOCREATEROLE'}")
    return exists is None


def is_set_up(connection: Connection) -> bool:
    """Whether this database's lab rules exist (its task table has row-level security)."""
    return bool(connection.exec_driver_sql(
        "SELECT relrowsecurity FROM pg_class WHERE relname = 'task' AND relnamespace = 'public'::regnamespace"
    ).scalar())


def remove_user(connection: Connection, name: str) -> None:
    """Drop a lab login (its tasks stay, still naming it)."""
    _require_postgres(connection)
    _require_role_admin(connection)
    name = check_login_name(name)
    if name == connection.exec_driver_sql("SELECT session_user").scalar():
        raise TaskTuneError("you cannot remove the login you are connected as")
    if name not in {user.name for user in users(connection)}:
        raise TaskTuneError(f"'{name}' is not a login of this lab (see tasktune lab users)")
    connection.exec_driver_sql(f'DROP ROLE "{name}"')


@dataclass(frozen=True)
class LabUser:
    name: str
    role: str
    can_log_in: bool


def users(connection: Connection) -> list[LabUser]:
    """The logins that are members of the lab's roles, by name."""
    _require_postgres(connection)
    rows = connection.exec_driver_sql(
        "SELECT u.rolname::text, g.rolname::text, u.rolcanlogin FROM pg_auth_members m "
        "JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member "
        "WHERE g.rolname IN ('tasktune_researcher', 'tasktune_admin', 'tasktune_worker') ORDER BY 1"
    ).all()
    return [LabUser(name, group.removeprefix("tasktune_"), bool(login)) for name, group, login in rows]
