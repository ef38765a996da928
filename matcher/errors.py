"""Domain errors of the matcher; the API maps them to HTTP status by type."""

from __future__ import annotations

from indexing.errors import WellspringError


class InvalidRequest(WellspringError):
    """A request the matcher cannot answer as asked; ``field`` names the culprit."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(f"{field}: {message}")


class KeyRequired(WellspringError):
    """A request that only a keyed caller may make as asked; ``field`` names what needs it."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(f"{field}: {message}")
