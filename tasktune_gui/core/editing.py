"""Edits of a task's execution and configuration, under the rules of which status allows what."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from tasktune_gui.core.errors import InvalidValue, ModelNotFound, TaskNotEditable
from tasktune_gui.core.events import Change, ChangeBus, note
from tasktune_gui.core.history import recorded
from tasktune_gui.core.lookup import get_task
from tasktune_gui.core.models import ConfigObject, Hyperparameter, Model, Task, UserProperty, utcnow
from tasktune_gui.core.permissions import check
from tasktune_gui.core.status import DRAFT_ONLY, NOT_PUBLISHED, Status, describe_statuses
from tasktune_gui.core.store import Store
from tasktune_gui.core.uris import validate_output_uri
from tasktune_gui.core.value_checks import check_container_arguments, check_hyperparameter, check_source

# The execution fields an edit may set (`clone` copies them too, with what an edit may not set).
EXECUTION_FIELDS = frozenset({
    "repository", "branch", "tag", "commit", "entry_point", "working_dir", "binary", "requirements", "diff",
    "container_image", "container_arguments", "container_setup_script", "output_uri",
})
UNSET = object()


@dataclass
class TaskEdit:
    """A set of changes applied together: all of them, or none."""

    execution: dict[str, str | None] = field(default_factory=dict)
    hyperparameters: list[tuple[str, str, str]] = field(default_factory=list)  # section, name, value
    removed_hyperparameters: list[tuple[str, str]] = field(default_factory=list)
    user_properties: list[tuple[str, str]] = field(default_factory=list)
    removed_user_properties: list[str] = field(default_factory=list)
    configuration: list[tuple[str, str, str]] = field(default_factory=list)  # name, value, type
    removed_configuration: list[str] = field(default_factory=list)
    input_model: object = UNSET  # a model id, None to clear, UNSET to leave
    labels: dict[str, int] | None = None
    use_image_env: bool | None = None  # container: run with the image's own Python (None: leave as it is)

    def touches_draft_only(self) -> bool:
        return bool(
            self.execution
            or self.hyperparameters
            or self.removed_hyperparameters
            or self.configuration
            or self.removed_configuration
            or self.input_model is not UNSET
            or self.labels is not None
            or self.use_image_env is not None
        )


def parse_param(text: str) -> tuple[str, str, str]:
    """'SECTION/NAME=VALUE' → (section, name, value); the value may hold '=' and '/'."""
    key, sep, value = text.partition("=")
    section, slash, name = key.partition("/")
    if not sep or not slash or not section.strip() or not name.strip():
        raise InvalidValue(f"'{text}' is not SECTION/NAME=VALUE (for example Args/lr=0.01)")
    return section.strip(), name.strip(), value


def parse_assignment(text: str, what: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise InvalidValue(f"'{text}' is not NAME=VALUE for {what}")
    return name.strip(), value


def _source_selection(changes: dict[str, str | None]) -> dict[str, str | None]:
    """Exactly one of commit, tag or branch head chooses the code."""
    result = dict(changes)
    if result.get("commit"):
        result["tag"] = None
    elif result.get("tag"):
        result["commit"] = None
    elif result.get("branch") and "commit" not in changes and "tag" not in changes:
        result["commit"] = None
        result["tag"] = None
    return result


class TaskEditor:
    """Applies TaskEdits; execution and configuration only in Draft, user properties until Published."""

    def __init__(self, store: Store, events: ChangeBus) -> None:
        self.store = store
        self.events = events

    def apply(self, task_id: str, edit: TaskEdit) -> None:
        self._check_source(task_id, edit.execution)  # git, before the write transaction takes the lock
        with self.store.write() as session:
            task = get_task(session, task_id)
            check(self.store.identity, task.user, "edit", task.id)
            with recorded(session, task, "edited"):
                self._apply(session, task, edit)
            note(session, Change("task", "updated", (task.id,)))

    def _apply(self, session: Session, task: Task, edit: TaskEdit) -> None:
        if edit.touches_draft_only():
            _require_editable(task, _what(edit), DRAFT_ONLY)
        if edit.user_properties or edit.removed_user_properties:
            _require_editable(task, "user properties", NOT_PUBLISHED)
        _apply_execution(task, edit.execution)
        if edit.use_image_env is not None:
            task.container_use_image_env = edit.use_image_env
        _apply_hyperparameters(session, task.id, edit)
        _apply_properties(session, task.id, edit)
        _apply_configuration(session, task.id, edit)
        if edit.input_model is not UNSET:
            model_id = edit.input_model
            if model_id is not None and session.get(Model, str(model_id)) is None:
                raise ModelNotFound(str(model_id))
            task.input_model_id = None if model_id is None else str(model_id)
        if edit.labels is not None:
            task.labels = dict(edit.labels)
        task.last_update = utcnow()
        session.add(task)
        session.flush()  # inside the recorded block: PostgreSQL's trigger reads the action named for it

    def _check_source(self, task_id: str, changes: dict[str, str | None]) -> None:
        if not any(changes.get(name) for name in ("commit", "tag", "branch")):
            return
        repository = changes.get("repository")
        if repository is None:
            with self.store.read() as session:
                repository = get_task(session, task_id).repository
        check_source(repository, changes.get("commit"), changes.get("tag"), changes.get("branch"))

    def set_execution(self, task_id: str, **values: str | None) -> None:
        self.apply(task_id, TaskEdit(execution=values))

    def set_hyperparameter(self, task_id: str, section: str, name: str, value: str) -> None:
        self.apply(task_id, TaskEdit(hyperparameters=[(section, name, value)]))

    def set_user_property(self, task_id: str, name: str, value: str) -> None:
        self.apply(task_id, TaskEdit(user_properties=[(name, value)]))

    def set_configuration(self, task_id: str, name: str, value: str, type_: str = "") -> None:
        self.apply(task_id, TaskEdit(configuration=[(name, value, type_)]))

    def record_script_section(self, task_id: str, section: str, values: dict[str, tuple[str, str]]) -> None:
        """A script run by hand (Running, no worker) records the values it connected: name → (value, type).

        Only names the section lacks are added, so what the task already holds is never changed; a task run by
        a worker is refused, its values come from the record."""
        if not section.strip():
            raise InvalidValue("a section name cannot be empty")
        with self.store.write() as session:
            task = get_task(session, task_id)
            if task.status != Status.RUNNING or task.worker:
                raise TaskNotEditable(task.id, "hyperparameters", Status(task.status).label,
                                      "a script run by hand, while it runs")
            for name, (value, type_) in values.items():
                if session.get(Hyperparameter, (task.id, section, name)) is None:
                    position = _next_position(session, Hyperparameter, task.id)
                    session.add(Hyperparameter(task_id=task.id, section=section, name=name, value=value, type=type_,
                                               position=position))
                    session.flush()
            task.last_update = utcnow()
            session.add(task)
            note(session, Change("task", "updated", (task.id,)))

    def reset_requirements(self, task_id: str) -> None:
        """Back to the packages recorded when the task was created."""
        with self.store.read() as session:
            original = get_task(session, task_id).original_requirements
        self.set_execution(task_id, requirements=original)


def _what(edit: TaskEdit) -> str:
    if edit.execution or edit.use_image_env is not None:
        return "the execution"
    if edit.hyperparameters or edit.removed_hyperparameters:
        return "hyperparameters"
    if edit.configuration or edit.removed_configuration:
        return "configuration objects"
    return "the input model"


def _require_editable(task: Task, what: str, allowed: frozenset[Status]) -> None:
    if Status(task.status) not in allowed:
        raise TaskNotEditable(task.id, what, Status(task.status).label, describe_statuses(allowed))


def _apply_execution(task: Task, changes: dict[str, str | None]) -> None:
    unknown = set(changes) - EXECUTION_FIELDS
    if unknown:
        raise InvalidValue(f"not execution fields: {', '.join(sorted(unknown))}")
    if "output_uri" in changes:
        changes = {**changes, "output_uri": validate_output_uri(changes["output_uri"] or "")}
    if changes.get("container_arguments"):
        check_container_arguments(changes["container_arguments"] or "")
    for name, value in _source_selection(changes).items():
        if name not in ("branch", "tag", "commit"):
            value = value or ""
        setattr(task, name, value)


PositionedTable = type[Hyperparameter] | type[UserProperty] | type[ConfigObject]


def _next_position(session: Session, table: PositionedTable, task_id: str) -> int:
    last = session.exec(select(func.max(table.position)).where(table.task_id == task_id)).one()
    return 0 if last is None else int(last) + 1


def _apply_hyperparameters(session: Session, task_id: str, edit: TaskEdit) -> None:
    for section, name in edit.removed_hyperparameters:
        session.execute(
            delete(Hyperparameter).where(
                col(Hyperparameter.task_id) == task_id,
                col(Hyperparameter.section) == section,
                col(Hyperparameter.name) == name,
            )
        )
    for section, name, value in edit.hyperparameters:
        row = session.get(Hyperparameter, (task_id, section, name))
        check_hyperparameter(section, name, value, row.type if row is not None else "")
        if row is None:  # a new name (or section) is created, as `set --param` promises
            position = _next_position(session, Hyperparameter, task_id)
            row = Hyperparameter(task_id=task_id, section=section, name=name, position=position)
        row.value = value
        session.add(row)
        session.flush()


def _apply_properties(session: Session, task_id: str, edit: TaskEdit) -> None:
    for name in edit.removed_user_properties:
        session.execute(
            delete(UserProperty).where(col(UserProperty.task_id) == task_id, col(UserProperty.name) == name)
        )
    for name, value in edit.user_properties:
        row = session.get(UserProperty, (task_id, name))
        if row is None:
            row = UserProperty(task_id=task_id, name=name, position=_next_position(session, UserProperty, task_id))
        row.value = value
        session.add(row)
        session.flush()


def _apply_configuration(session: Session, task_id: str, edit: TaskEdit) -> None:
    for name in edit.removed_configuration:
        session.execute(
            delete(ConfigObject).where(col(ConfigObject.task_id) == task_id, col(ConfigObject.name) == name)
        )
    for name, value, type_ in edit.configuration:
        row = session.get(ConfigObject, (task_id, name))
        if row is None:
            row = ConfigObject(task_id=task_id, name=name, position=_next_position(session, ConfigObject, task_id))
        row.value = value
        if type_:
            row.type = type_
        session.add(row)
        session.flush()
