"""The Models page and a model's page."""
