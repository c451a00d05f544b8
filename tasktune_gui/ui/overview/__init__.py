"""The overview pages: dashboard, project cards, and Workers & Queues."""
