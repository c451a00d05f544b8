"""Settings: saved and loaded whole; a bad or unknown value falls back to its default."""

from __future__ import annotations

from pathlib import Path

from tasktune_gui.core.settings import Settings


def test_settings_round_trip_and_bad_files(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    Settings(embedded_worker=False, embedded_worker_slots=3).save(path)
    assert Settings.load(path) == Settings(embedded_worker=False, embedded_worker_slots=3)
    path.write_text("{not json")
    assert Settings.load(path) == Settings()
    path.write_text('{"embedded_worker_slots": "many", "unknown": 1}')
    assert Settings.load(path) == Settings()
