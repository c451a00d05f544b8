"""The sweep's own run: an optimizer task's search loop, on a worker slot like any task."""
