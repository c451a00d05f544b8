"""What is uploaded to an SSH host and run there with its own python3: standard library only."""
