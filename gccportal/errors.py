class DomainError(Exception):
    """A rule said no. ``message`` is shown to the person; ``field`` names the form field."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
