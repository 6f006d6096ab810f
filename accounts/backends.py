"""One failure counter and lock-out for every door that takes a password: the web login, the admin login and the
API token endpoint all authenticate through this backend (`accounts.throttle` counts per username and address)."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from . import throttle


class LockoutBackend(ModelBackend):
    """Django's ModelBackend behind the lock-out: a locked username (or address) is refused even with the right
    password — PermissionDenied stops every backend — and each wrong password counts, wherever it was typed."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        name = username if username is not None else kwargs.get(get_user_model().USERNAME_FIELD) or ""
        address = throttle.client_address(request) if request is not None else ""
        if throttle.is_locked(name, address):
            raise PermissionDenied(throttle.LOCKED_MESSAGE)
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            throttle.record_failure(name, address)
        else:
            throttle.reset(name, address)
        return user
