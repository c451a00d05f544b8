"""The SSH backend: a task on a host reached over asyncssh (the only place asyncssh is imported)."""
