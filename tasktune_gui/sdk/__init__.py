"""What a task's own script imports to talk to TaskTune."""
