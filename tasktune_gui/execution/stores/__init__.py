"""Buckets and folders a task reads its input model from and keeps its outputs in."""
