"""The Docker backend: a task in a container (the only place the docker SDK is imported)."""
