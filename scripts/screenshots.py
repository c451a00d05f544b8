"""Opens the window on a fresh demo database and saves a PNG of each page (for the README).

Run through `scripts/screenshots` (under Xvfb when there is no display)."""

from __future__ import annotations

import math
import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from random import Random

from PySide6.QtWidgets import QApplication

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tasktune_gui.app import make_window  # noqa: E402
from tasktune_gui.core.api import Core  # noqa: E402
from tasktune_gui.core.models import Task  # noqa: E402
from tasktune_gui.core.results import ScalarPoint  # noqa: E402
from tasktune_gui.core.settings import S3Endpoint, Settings  # noqa: E402
from tasktune_gui.core.slurm import SlurmOptions  # noqa: E402
from tasktune_gui.core.sweeps.definition import SweepDefinition, parse_objective, parse_param  # noqa: E402
from tasktune_gui.core.tasks import TaskQuery  # noqa: E402
from tasktune_gui.ui.common.dialogs import CloneDialog, EnqueueDialog, WideInputDialog  # noqa: E402
from tasktune_gui.ui.overview.projects_page import NewProjectDialog  # noqa: E402
from tasktune_gui.ui.overview.slurm_dialog import SlurmDialog  # noqa: E402
from tasktune_gui.ui.tasks.compare_view import CompareDialog  # noqa: E402
from tasktune_gui.ui.tasks.sweep_dialog import SweepDialog  # noqa: E402
from tasktune_gui.ui.window.identity import identify  # noqa: E402
from tasktune_gui.ui.worker.s3_server_dialog import S3ServerDialog  # noqa: E402


def settle(app: QApplication, done: Callable[[], bool] = lambda: True, seconds: float = 5.0) -> None:
    """Let the window draw; with `done`, until it holds (a page's read on a thread) or `seconds` pass."""
    deadline = time.monotonic() + seconds
    for _ in range(20):
        app.processEvents()
    while not done() and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.02)


def demo_sweep(core: Core, base: str) -> str:
    """A TPE sweep of the demo's learning rate and optimizer with 24 trials ended (as a worker leaves them) and two
    running; the loss is made up from the values, so the picture shows a search converging."""
    definition = SweepDefinition(base=base, params=(parse_param("Args/lr=log:1e-3:1"),
                                                    parse_param("Args/optimizer=choice:sgd,momentum,adam")),
                                 objective=parse_objective("loss/train:min"), trials=40, parallel=2)
    sweep = core.sweeps.create(definition, name="Sweep of lr and optimizer", queue="default")
    core.lifecycle.start(sweep, "gpu-box:0", "gpu-box")
    random = Random(7)
    for number in range(26):
        lr = 10 ** random.uniform(-3, 0) if number < 8 else 10 ** random.gauss(-1.3, 0.3 / (1 + number / 10))
        optimizer = random.choice(["sgd", "momentum", "adam"])
        trial = core.sweeps.launch_trial(sweep, number, {"Args/lr": f"{lr:.5g}", "Args/optimizer": optimizer},
                                         limit=99)
        assert trial is not None
        core.lifecycle.start(trial, "gpu-box:1", "gpu-box")
        if number >= 24:
            continue
        loss = abs(math.log10(lr) + 1.3) + {"sgd": 0.3, "momentum": 0.15, "adam": 0.05}[optimizer] + 0.02
        if number == 5:
            core.lifecycle.fail(trial, "exit code 1")
            core.sweeps.record_outcome(sweep, trial, "failed", None)
            continue
        # A learning curve falling to the trial's loss (a pruned trial's stops early, above the others).
        epochs = 4 if number in (9, 14) else 12
        core.results.report_scalars(trial, [ScalarPoint("loss", "train", epoch, loss + 1.5 * 0.7 ** epoch
                                                        * (1 + 0.1 * random.random()))
                                            for epoch in range(epochs)])
        core.lifecycle.complete(trial)
        core.sweeps.record_outcome(sweep, trial, "pruned" if number in (9, 14) else "complete",
                                   loss + 1.5 * 0.7 ** (epochs - 1))
    return sweep


def compared_runs(core: Core) -> list[str]:
    """Four runs of the demo with different learning rates, 300 noisy iterations of loss (train and val) and
    accuracy each; the fourth stopped early: what a researcher selects to Compare."""
    random = Random(3)
    ids = []
    for number, (name, lr, length) in enumerate((("lr 0.1", 0.1, 300), ("lr 0.03", 0.03, 300),
                                                 ("lr 0.01", 0.01, 300), ("lr 0.3 (diverged)", 0.3, 120))):
        task_id = core.tasks.add(Task(id="", name=name, repository="/r", entry_point="train.py"), "Demo")
        began = datetime(2026, 12, 1, 9, tzinfo=UTC) + timedelta(minutes=40 * number)
        points = []
        for i in range(length):
            at = began + timedelta(seconds=6 * i)
            train = 2.3 * math.exp(-i * lr / 8) + 0.1 + random.gauss(0, 0.06) + (i / 60 if lr > 0.2 else 0)
            points.append(ScalarPoint("loss", "train", i, train, at))
            if i % 10 == 0:
                points.append(ScalarPoint("loss", "val", i, train + 0.15 + random.gauss(0, 0.03), at))
                points.append(ScalarPoint("accuracy", "val", i, 0.95 - 0.8 * math.exp(-i * lr / 10), at))
        core.results.report_scalars(task_id, points)
        ids.append(task_id)
    return ids


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots").resolve()
    out.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="tasktune-shots-"))
    os.environ["XDG_DATA_HOME"] = str(folder / "data")  # the demo repository goes here, not into the user's data
    app = QApplication.instance() or QApplication(sys.argv)
    identify()
    # A first start's layout: not the one saved in this machine's config folder.
    window = make_window(f"sqlite:///{folder / 'tasktune.db'}", state_path=folder / "window.ini")
    window.resize(1440, 900)  # a laptop's screen, as a researcher sees it
    window.show()
    settle(app)
    shots: list[Path] = []

    def shoot(name: str, done: Callable[[], bool] = lambda: True) -> None:
        settle(app, done)
        path = out / f"{name}.png"
        window.grab().save(str(path))
        shots.append(path)

    # A first run still making its environment, as the table shows it.
    core = window.core
    core.queues.create("first-runs")
    running = core.tasks.add(Task(id="", name="resnet50 imagenet first run with mixup and cutmix, cosine schedule",
                                  repository="https://github.com/lab/vision", entry_point="train.py"), "Demo",
                             queue="first-runs")
    core.queues.pop(["first-runs"], worker="gpu-box:0", host="gpu-box")
    core.lifecycle.record_setup_step(running, "environment")
    for row in range(window.navigation.count()):
        window.navigation.setCurrentRow(row)
        shoot(window.navigation.item(row).text().lower().replace(" & ", "-").replace(" ", "-"))
    window.open_project("Demo")
    shoot("task-table")
    completed = next(t for t in window.core.tasks.query(TaskQuery(project="Demo")) if t.status == "completed")
    window.open_task(completed.id)
    for index in range(window.task_page.tabs.count()):
        window.task_page.tabs.setCurrentIndex(index)
        shoot(f"task-{window.task_page.tabs.tabText(index).lower()}",
              lambda: window.task_page.console.text.line_count() > 0)
    # A destination on the lab's MinIO: Test destination and its server's settings beside the field.
    minio = core.tasks.add(Task(id="", name="vit-small distillation", repository="https://github.com/lab/vision",
                                entry_point="distill.py", output_uri="s3://minio.lab:9000/checkpoints/vision"), "Demo")
    window.open_task(minio)
    window.task_page.tabs.setCurrentIndex(0)
    settle(app)
    window.task_page.execution.ensureWidgetVisible(window.task_page.execution.output)
    shoot("task-execution-output")
    # A sweep of the completed demo task partway through: its SWEEP tab.
    window.open_task(demo_sweep(core, completed.id))
    window.task_page.tabs.setCurrentWidget(window.task_page.sweep)
    sweep_tab = window.task_page.sweep
    shoot("task-sweep", lambda: sweep_tab.trials.rowCount() > 0)
    for index in range(1, sweep_tab.charts.count()):  # each chart of how the search converges
        sweep_tab.charts.setCurrentIndex(index)
        name = sweep_tab.charts.tabText(index).lower().replace(" ", "-")
        chart = sweep_tab.charts.widget(index)
        shoot(f"task-sweep-{name}", lambda c=chart: c is not sweep_tab.importance or bool(sweep_tab.importance.names))
    sweep_tab.charts.setCurrentWidget(sweep_tab.coordinates)
    sweep_tab.coordinates.select_range(0, 0.45, 0.75)  # a range of lr: the table keeps the trials inside it
    shoot("task-sweep-parallel-coordinates-range")
    servers = Settings()
    servers.set_s3_endpoint("minio.lab:9000", S3Endpoint(secure=True, ca_file="/etc/ssl/lab/minio-ca.pem",
                                                         region="eu-west-1"))
    servers.set_s3_endpoint("ceph.lab:7480", S3Endpoint())
    long_project = "Representation learning/self-supervised pretraining/augmentation ablations"
    projects = ["Demo", long_project]
    dialogs = {
        "dialog-clone": CloneDialog(completed.name, "Demo", projects, window),
        "dialog-enqueue": EnqueueDialog(core.queues.summaries(), 1, window, start_local_worker=lambda _q: []),
        "dialog-new-project": NewProjectDialog(core.projects.create, window),
        "dialog-s3-server": S3ServerDialog(servers, "minio.lab:9000", window),
        "dialog-sweep": SweepDialog(core.task_json(completed.id), [q.name for q in core.queues.summaries()], window),
        "dialog-slurm": SlurmDialog("hpc", SlurmOptions("gpu", account="vision-lab", time="4:00:00", cpus="8",
                                                        mem="32G", gpus="1", sbatch={"constraint": "a100"}), window),
    }
    move = WideInputDialog(window)
    move.setWindowTitle("Move to project")
    move.setLabelText("Project (a new name creates it)")
    move.setComboBoxItems(projects)
    move.setComboBoxEditable(True)
    dialogs["dialog-move"] = move
    for name, dialog in dialogs.items():
        dialog.show()
        if isinstance(dialog, CloneDialog):  # a name not in the list: the dialog says it creates a project
            dialog.project.setCurrentText(long_project + " 2027")
        if isinstance(dialog, SweepDialog):
            dialog.set_range("Args/lr", "log", "1e-3:1")
            dialog.set_range("Args/optimizer", "choice", "sgd,momentum,adam")
            dialog.parallel.setValue(2)
        settle(app)
        path = out / f"{name}.png"
        dialog.grab().save(str(path))
        shots.append(path)
        dialog.close()
    compare = CompareDialog(core.task_records(compared_runs(core)), window, core.results.scalars_of)
    compare.show()
    compare.tabs.setCurrentWidget(compare.scalars)
    compare.scalars.controls.smoothing.setValue(60)
    settle(app, lambda: len(compare.scalars.charts) == 2)
    compare.grab().save(str(out / "dialog-compare-scalars.png"))
    shots.append(out / "dialog-compare-scalars.png")
    compare.close()
    about = window.show_about()
    settle(app)
    about.grab().save(str(out / "about.png"))
    shots.append(out / "about.png")
    about.close()
    window.close()
    window.core.close()
    print("\n".join(str(p) for p in shots))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
