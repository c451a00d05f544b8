"""The tasktune command."""
