"""Fixtures for Slurm runs: one cluster for the whole session, its queue emptied after each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.slurm import SlurmCluster, slurm_cluster


@pytest.fixture(scope="session")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SlurmCluster]:
    with slurm_cluster(tmp_path_factory.mktemp("slurm")) as started:
        yield started


@pytest.fixture
def slurm(cluster: SlurmCluster, monkeypatch: pytest.MonkeyPatch) -> Iterator[SlurmCluster]:
    """The session's cluster, its SLURM_CONF in this test's environment; no job left for the next test."""
    for name, value in cluster.env.items():
        monkeypatch.setenv(name, value)
    yield cluster
    cluster.cancel_all()
