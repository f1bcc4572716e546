class DomainError(Exception):
    """A rule said no. ``message`` is shown to the person; ``field`` names the form field."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


NUL_IN_TEXT = "Remove the null characters from this text."


def refuse_nul(text: str, *, field: str | None = None, error=DomainError) -> None:
    """Free text that reaches the database outside a Django form (which refuses NUL itself):
    PostgreSQL can't store a NUL character, so say so instead of failing with a 500."""
    if "\x00" in text:
        raise error(NUL_IN_TEXT, field=field)
