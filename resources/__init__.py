"""TaskTune's data files (icons, the demo repository), installed as the package `tasktune_gui.resources`."""
