"""The allow-list over a task's container arguments: what shapes the container passes, what reaches the host is
refused by name unless the worker allows it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tasktune_gui.execution.docker.container import device_requests
from tasktune_gui.execution.docker.container_args import (
    ContainerArgumentRefused,
    ContainerOptions,
    parse_allow,
    parse_container_args,
)
from tasktune_gui.execution.errors import StepFailed

NOTHING: frozenset[str] = frozenset()


def test_everyday_arguments_become_sdk_settings(tmp_path: Path) -> None:
    options = parse_container_args(
        "--shm-size=8g -e A=1 --env 'B=two words' -v ./data:/data:ro --mount type=bind,source=out,target=/out "
        "--tmpfs /scratch:size=1g -u 1000:1000 --ipc private --network none --cpus 1.5 -m 4g --cap-drop NET_RAW "
        "--label team=vision --add-host db:127.0.0.1 --rm -it",
        tmp_path, NOTHING,
    )
    assert options.environment == {"A": "1", "B": "two words"}
    assert options.binds == [(str(tmp_path / "data"), "/data", "ro"), (str(tmp_path / "out"), "/out", "rw")]
    assert options.tmpfs == {"/scratch": "size=1g"}
    assert options.values == {"shm_size": "8g", "user": "1000:1000", "ipc_mode": "private", "network_mode": "none",
                              "nano_cpus": 1_500_000_000, "mem_limit": "4g"}
    assert options.cap_drop == ["NET_RAW"] and options.labels == {"team": "vision"}
    assert options.extra_hosts == {"db": "127.0.0.1"}


@pytest.mark.parametrize(
    ("arguments", "named", "allow"),
    [
        ("--privileged", "--privileged", "privileged"),
        ("--network host", "--network host", "network-host"),
        ("--net=host", "--net host", "network-host"),
        ("--pid host", "--pid host", "pid-host"),
        ("--ipc=host", "--ipc host", "ipc-host"),
        ("--device /dev/fuse", "--device /dev/fuse", "device"),
        ("--cap-add SYS_ADMIN", "--cap-add SYS_ADMIN", "cap-add"),
        ("--security-opt seccomp=unconfined", "--security-opt seccomp=unconfined", "security-opt"),
        ("-v /:/host", "-v /:/host", "mount"),
        ("-v /etc:/etc2", "-v /etc:/etc2", "mount"),
        ("-v ../outside:/x", "-v ../outside:/x", "mount"),
        ("-v named:/x", "-v named:/x", "mount"),
        ("--mount type=bind,source=/var,target=/v", "--mount type=bind,source=/var,target=/v", "mount"),
        ("--gpus all", "--gpus all", "gpus"),
    ],
)
def test_host_power_is_refused_by_name_unless_allowed(tmp_path: Path, arguments: str, named: str,
                                                      allow: str) -> None:
    with pytest.raises(ContainerArgumentRefused) as refused:
        parse_container_args(f"--shm-size 1g {arguments}", tmp_path, NOTHING)
    assert refused.value.reason == f"container argument refused: {named}"
    assert f"--docker-allow {allow}" in refused.value.detail
    parse_container_args(arguments, tmp_path, frozenset({allow}))  # the worker's owner may allow it


@pytest.mark.parametrize(
    ("arguments", "named"),
    [
        ("--entrypoint sh", "--entrypoint"),
        ("--name mine", "--name"),
        ("-w /tmp", "-w"),
        ("ubuntu:22.04", "ubuntu:22.04"),
        ("--no-such-option 1", "--no-such-option"),
        ("-e JUSTNAME", "-e JUSTNAME"),
        ("-v ./data:/", "-v ./data:/"),
        ("-v ./data:relative", "-v ./data:relative"),
        ("--shm-size", "--shm-size"),
    ],
)
def test_arguments_that_never_apply_are_refused(tmp_path: Path, arguments: str, named: str) -> None:
    everything = parse_allow("privileged,network-host,pid-host,ipc-host,device,cap-add,security-opt,mount,gpus")
    with pytest.raises(ContainerArgumentRefused) as refused:
        parse_container_args(arguments, tmp_path, everything)
    assert refused.value.reason == f"container argument refused: {named}"


def test_unreadable_arguments_and_unknown_allow_names(tmp_path: Path) -> None:
    with pytest.raises(StepFailed, match="unreadable"):
        parse_container_args("--env 'A=unclosed", tmp_path, NOTHING)
    with pytest.raises(ValueError, match="unknown --docker-allow names: everything"):
        parse_allow("privileged,everything")


def test_the_workers_own_arguments_are_trusted_and_the_tasks_come_on_top(tmp_path: Path) -> None:
    worker = parse_container_args("--network host -e A=worker -e B=worker -v /data:/data", tmp_path, None)
    task = parse_container_args("-e B=task --shm-size 2g", tmp_path, NOTHING)
    merged = worker.merged(task)
    assert merged.environment == {"A": "worker", "B": "task"}
    assert merged.values == {"network_mode": "host", "shm_size": "2g"}
    assert merged.binds == [("/data", "/data", "rw")]


def test_gpus_become_device_requests() -> None:
    slot = device_requests(ContainerOptions(gpus="all"), "1")  # a worker's --gpus slot wins
    assert [(r.device_ids, r.count) for r in slot] == [(["1"], 0)]
    assert [r.count for r in device_requests(ContainerOptions(gpus="all"), None)] == [-1]
    assert [r.count for r in device_requests(ContainerOptions(gpus="2"), None)] == [2]
    assert [r.device_ids for r in device_requests(ContainerOptions(gpus="device=0,2"), None)] == [["0", "2"]]
    assert device_requests(ContainerOptions(), None) == []
