"""What every backend shares: the task run and its one path, command line, console and its spool, SDK channel."""
