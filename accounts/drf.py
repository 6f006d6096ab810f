"""The API's settings-level parts (named in REST_FRAMEWORK): kept apart from views so DRF can import them early."""
from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, pagination, permissions, status
from rest_framework.response import Response

from households.errors import StaleVersion

from .models import Role

READ_ONLY_ROLES = frozenset({Role.PROVINCE_VIEWER})


class Pagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    invalid_page_message = "Trang không hợp lệ."
    page_query_description = "Số trang (bắt đầu từ 1)."
    page_size_query_description = "Số dòng mỗi trang (tối đa 500, mặc định 50)."

    def get_paginated_response_schema(self, schema):
        """The list envelope, with Vietnamese descriptions (the schema describes every field)."""
        envelope = super().get_paginated_response_schema(schema)
        words = {
            "count": "Tổng số bản ghi phù hợp.",
            "next": "Địa chỉ trang sau; null ở trang cuối.",
            "previous": "Địa chỉ trang trước; null ở trang đầu.",
            "results": "Các bản ghi của trang này.",
        }
        for name, text in words.items():
            envelope["properties"][name]["description"] = text
        return envelope


class IsAuthenticatedWithRole(permissions.BasePermission):
    """Signed in and active; provincial viewers only read."""

    message = "Bạn không có quyền thực hiện thao tác này."

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        if request.method not in permissions.SAFE_METHODS and user.role in READ_ONLY_ROLES and not user.is_superuser:
            return False
        return True


def exception_handler(exc, context):
    """DRF's handler, plus: a stale version → 409 naming who saved first; Django's ValidationError from
    services → 400 with field errors; 404 worded so it does not tell whether the object exists elsewhere."""
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, StaleVersion):
        return Response(
            {
                "detail": exc.messages[0],
                "changed_by": exc.changed_by,
                "changed_at": exc.changed_at.isoformat() if exc.changed_at else None,
            },
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            detail = {field: [str(m) for e in errors for m in e.messages] for field, errors in exc.error_dict.items()}
        else:
            detail = {"non_field_errors": [str(m) for m in exc.messages]}
        exc = exceptions.ValidationError(detail)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("Không tìm thấy hoặc bạn không có quyền xem đối tượng này.")
    return drf_exception_handler(exc, context)


# Path parameters by the collection they name: drf-spectacular cannot word them in Vietnamese by itself.
PATH_PARAMETER_WORDS = {
    "units": "Mã đơn vị hành chính (Tổng cục Thống kê); đơn vị có hiệu lực vào ngày `valid_on` (mặc định hôm nay).",
    "ethnic-groups": "Mã dân tộc (danh mục 1979).",
    "households": "Mã hộ.",
    "agencies": "Mã cơ quan, đơn vị.",
    "standards": "Mã chuẩn nghèo.",
}


def schema_postprocess(result, generator, request, public):
    """Describe path parameters left undescribed (`{code}`, `{id}`) in Vietnamese."""
    for path, operations in result.get("paths", {}).items():
        collection = path.strip("/").split("/")[2] if path.count("/") > 3 else ""
        for operation in operations.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                if parameter.get("in") != "path" or parameter.get("description"):
                    continue
                if parameter["name"] == "id":
                    parameter["description"] = "Mã số bản ghi trong hệ thống."
                else:
                    parameter["description"] = PATH_PARAMETER_WORDS.get(collection, "Mã của bản ghi.")
    return result



def year_filter(*, field_name: str = "year", help_text: str = "Năm.") -> "django_filters.NumberFilter":
    """The `year` filter of every list: a whole year of 2000–2100, else a 400 naming the field (an unbounded number
    reached the database's date functions and answered 500)."""
    import django_filters

    return django_filters.NumberFilter(field_name=field_name, help_text=help_text, min_value=2000, max_value=2100, decimal_places=0)
