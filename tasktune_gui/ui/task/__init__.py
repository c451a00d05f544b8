"""The task page and its tabs: EXECUTION, CONFIGURATION, ARTIFACTS, INFO and SCALARS (CONSOLE is ui/console)."""
