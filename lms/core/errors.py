"""Service errors: a use-case refuses with a message a user can act on, never a traceback."""

from __future__ import annotations


class ServiceError(ValueError):
    """A refusal that the boundary shows as it is (a form error, a flash, a CLI message, a JSON error).

    `field` names the form field the message is about, when there is one, so the error summary can link to it;
    `status` is the HTTP status the API answers with.
    """

    status = 400

    def __init__(self, message: str, *, field: str | None = None, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if status is not None:
            self.status = status

    def __str__(self) -> str:
        return self.message
