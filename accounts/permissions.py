"""Role checks for views. Visibility of rows is `accounts.scoping.scope`; this module decides who may use a page."""
from __future__ import annotations

from functools import wraps
from typing import Callable

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from .models import Role


def has_role(user, *roles: str) -> bool:
    """True for a signed-in user of one of `roles`; administrators have every role."""
    return user.is_authenticated and (user.is_superuser or user.role == Role.ADMIN or user.role in roles)


def role_required(*roles: str) -> Callable:
    """Signed-in users of the given roles (administrators always pass); others get 403."""

    def decorator(view: Callable) -> Callable:
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not has_role(request.user, *roles):
                raise PermissionDenied("Bạn không có quyền truy cập trang này.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def local_next(request, default: str) -> str:
    """The `next` address a form posted, if it stays on this site (no `https://evil.example`); else `default`."""
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default
