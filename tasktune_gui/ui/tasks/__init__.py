"""The task table: its paged model, filters, column chooser, CSV export and Compare."""
