"""What a worker keeps between runs on this machine: repository mirrors, commit trees, environments."""
