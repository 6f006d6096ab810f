"""The one scoping function. Every view, API viewset, export and file download filters through `scope()`.

A model declares how it is scoped with class attributes:
- `scope_public = True`: reference data every signed-in user may read (units, ethnic groups, agencies);
- `scope_commune_field = "household__commune"`: the path to the commune the row belongs to;
- `scope_agency_field = "agency"`: the path to the agency that owns the row (tasks, support policies).
A model that declares nothing is visible only to the roles that see the whole program area.
A row outside the caller's scope simply is not in the queryset, so a detail view answers 404, not 403.
"""
from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, QuerySet

from .models import Role, User

M = TypeVar("M", bound=Model)

WHOLE_AREA_ROLES = frozenset({Role.DISTRICT_OFFICER, Role.PROVINCE_VIEWER, Role.ADMIN})


def commune_ids(user: User) -> frozenset[int] | None:
    """The commune-level units whose data the user may see; None means the whole program area.

    A commune officer sees their commune and the units it succeeded (so the 2021–2024 reviews made by
    Trung Yên stay visible to the officers of Tân Trào after the 2025 merger).
    """
    if not user.is_authenticated:
        return frozenset()
    if user.is_superuser or user.role in WHOLE_AREA_ROLES or user.role == Role.AGENCY_OFFICER:
        return None
    cached = getattr(user, "_scope_commune_ids", None)
    if cached is None:
        from households.selectors import unit_lineage_ids

        cached = frozenset(unit_lineage_ids(unit=user.unit)) if user.unit_id else frozenset()
        user._scope_commune_ids = cached  # type: ignore[attr-defined]
    return cached


def scope(user: User, qs: QuerySet[M]) -> QuerySet[M]:
    """The rows of `qs` the user may see."""
    model = qs.model
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if getattr(model, "scope_public", False):
        return qs
    if user.is_superuser or user.role in WHOLE_AREA_ROLES:
        return qs
    agency_field = getattr(model, "scope_agency_field", None)
    commune_field = getattr(model, "scope_commune_field", None)
    if user.role == Role.AGENCY_OFFICER:
        if agency_field:
            return qs.filter(**{agency_field: user.agency_id})
        # Agencies deliver support to households anywhere in the area: they read the registry (with masked IDs).
        return qs if commune_field else qs.none()
    if user.role == Role.COMMUNE_OFFICER:
        if commune_field:
            return qs.filter(**{f"{commune_field}__in": commune_ids(user)})
        return qs.none()
    return qs.none()


def can_see(user: User, obj: Model) -> bool:
    return scope(user, type(obj)._default_manager.filter(pk=obj.pk)).exists()
