"""Why an import cannot start or go on."""

from __future__ import annotations

from lms.core.errors import ServiceError


class ImportRefused(ServiceError):
    """A request that cannot start: unknown kind or force, or not allowed. `status` is the HTTP status."""

    def __init__(self, message: str, status: int = 400, *, field: str | None = None):
        super().__init__(message, status=status, field=field)
