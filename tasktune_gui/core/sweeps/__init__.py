"""Sweeps: a task tuned automatically; its definition, its trials and the journal of its search."""
