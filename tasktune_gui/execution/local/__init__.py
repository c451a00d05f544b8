"""The local backend: a task as a process group on this machine."""
