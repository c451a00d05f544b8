"""The list of revisions the app knows matches the migration scripts."""

from tasktune_gui.core.migrate import HEAD, REVISIONS, script_revisions


def test_known_revisions_match_the_scripts() -> None:
    assert list(REVISIONS) == script_revisions()
    assert REVISIONS[-1] == HEAD
