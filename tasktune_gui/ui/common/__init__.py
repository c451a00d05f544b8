"""What the whole window shares: names, palette, fonts, icons, dialogs, the action registry, editable sections."""
