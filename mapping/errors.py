"""Domain errors.  Each carries a Polish message and, where known, the row and field.

Pages catch only these and show them with ``st.error``; anything else is a bug.
"""

from __future__ import annotations

from mapping.language import Message, joined

__all__ = ["ConflictError", "MapError", "NotFoundError", "ValidationError"]


class MapError(Exception):
    """Base of every error the user should see, with a Polish message."""

    def __init__(self, message: str, *, row: int | None = None, field: str | None = None):
        self.message = message
        self.row = row
        self.field = field
        super().__init__(self.describe())

    def describe(self) -> str:
        """The message prefixed with the row and field it concerns (a ``Message``)."""
        row, field, message = self.row, self.field, self.message
        if row is not None and field is not None:
            return Message(
                "wiersz {row}, pole „{field}”: {message}", row=row, field=field, message=message
            )
        if row is not None:
            return Message("wiersz {row}: {message}", row=row, message=message)
        if field is not None:
            return Message("pole „{field}”: {message}", field=field, message=message)
        return message


class ValidationError(MapError):
    """One or more values do not fit the schema.

    ``problems`` holds every problem found (each a ``MapError`` with row and
    field), so a form or an import report can show all of them at once.
    """

    def __init__(self, problems: list[MapError]):
        self.problems = problems
        first = problems[0]
        super().__init__(first.message, row=first.row, field=first.field)

    def describe(self) -> str:
        """Every problem, each with its row and field."""
        return joined("; ", [p.describe() for p in self.problems])


class NotFoundError(MapError):
    """The record does not exist in the store."""


class ConflictError(MapError):
    """Someone saved a newer version of the record in the meantime.

    ``current`` is the record as it is now in the store, so the user can see
    both versions and decide.
    """

    def __init__(self, message: str, *, current: dict | None = None, expected_version: int = 0):
        self.current = current
        self.expected_version = expected_version
        super().__init__(message)
