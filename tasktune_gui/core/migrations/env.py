"""Alembic environment: runs on the connection the app passes in, never on a URL of its own."""

from alembic import context
from sqlmodel import SQLModel

import tasktune_gui.core.models  # noqa: F401  (registers the tables on SQLModel.metadata)

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("TaskTune runs its migrations itself; open the database with the app or the CLI")

context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=True,  # SQLite alters tables by copying them
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
