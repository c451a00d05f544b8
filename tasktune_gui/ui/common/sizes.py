"""How a byte count reads in the window: 512 B, 1.5 MB."""


def human_size(size: int | None) -> str:
    """The size in B, KB, MB or GB (one decimal above bytes); empty when unknown."""
    if size is None:
        return ""
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TB"
