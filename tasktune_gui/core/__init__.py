"""The Qt-free domain: tables, lifecycle, queues, capture from git."""
