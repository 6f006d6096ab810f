"""Role checks for views. Visibility of rows is `accounts.scoping.scope`; this module decides who may use a page."""
from __future__ import annotations

from functools import wraps
from typing import Callable

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from .models import Role


# Who may use each part of the registry — the pages and the API read these same sets (administrators always may),
# so an endpoint never shows what its page refuses (tests/io/test_api_matches_pages.py compares them).
REGISTRY_READERS = (Role.COMMUNE_OFFICER, Role.DISTRICT_OFFICER, Role.AGENCY_OFFICER)
REGISTRY_WRITERS = (Role.COMMUNE_OFFICER, Role.DISTRICT_OFFICER)
REVIEW_ROLES = (Role.COMMUNE_OFFICER, Role.DISTRICT_OFFICER)


def roles_only(*roles: str) -> type:
    """A DRF permission: signed-in users of `roles` (administrators always), as `role_required` is for pages."""
    from rest_framework.permissions import BasePermission

    class RolesOnly(BasePermission):
        message = "Vai trò của bạn không được xem dữ liệu này (như trên các trang của hệ thống)."

        def has_permission(self, request, view) -> bool:
            return has_role(request.user, *roles)

    RolesOnly.__name__ = RolesOnly.__qualname__ = "RolesOnly_" + "_".join(roles)
    return RolesOnly


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
