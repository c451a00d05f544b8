"""Workers that live beside the window: the window's own, the tray worker, and task-ended notifications."""
