"""The main window's frame: navigation, menus and toolbar over one action registry, breadcrumbs, start-up."""
