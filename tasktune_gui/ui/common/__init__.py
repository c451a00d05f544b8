"""What the whole window shares: widget names, palette, fonts, icons, dialogs, hand-overs to the GUI thread."""
