"""The worker process: slots that pop and run tasks, its wake-up, watchdog and autostart."""
