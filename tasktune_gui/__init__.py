"""TaskTune: clone, tune, enqueue and run machine-learning tasks from a native desktop app."""
