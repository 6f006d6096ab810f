"""Errors services raise beyond Django's ValidationError."""
from __future__ import annotations

from django.core.exceptions import ValidationError


class StaleVersion(ValidationError):
    """Saving over a newer change made by someone else (optimistic locking). The API answers 409."""

    def __init__(self, message: str, *, changed_by: str = "", changed_at=None):
        super().__init__(message, code="stale_version")
        self.changed_by = changed_by
        self.changed_at = changed_at
