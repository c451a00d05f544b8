"""The task page and its tabs: EXECUTION, CONFIGURATION, ARTIFACTS, INFO and SCALARS, each of editable sections."""
