"""The main window's frame: navigation, menus and toolbar over the task actions, breadcrumbs, start-up, tray app."""
