"""Workers and the backends that run tasks; no Qt here."""
