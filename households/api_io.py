"""`POST /api/v1/reviews/bulk/`: a commune system sends its reviews of one year in one request; every row is
saved through the review API's serializer (so through `services.review_save`), and either all are written or
none, with each refused row's errors."""
from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.scoping import scope
from accounts.drf import IsAuthenticatedWithRole
from accounts.permissions import REVIEW_ROLES, roles_only

from . import services
from .api import ReviewSerializer
from .models import AnnualReview

MAX_ROWS = 5000


class BulkReviewsSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2016, max_value=2100, help_text="Năm rà soát của mọi dòng.")
    reviews = serializers.ListField(
        child=serializers.DictField(), min_length=1, max_length=MAX_ROWS,
        help_text="Các kết quả rà soát, mỗi dòng như khi thêm một kết quả (`household`, `income_per_capita_month`, "
                  "`deprivations`, `causes`, `needs`, …); `version` tùy chọn: có thì không ghi đè thay đổi mới hơn.",
    )


def _errors(detail) -> dict:
    if isinstance(detail, DjangoValidationError):
        return detail.message_dict if hasattr(detail, "error_dict") else {"non_field_errors": detail.messages}
    return detail if isinstance(detail, dict) else {"non_field_errors": detail}


class ReviewBulkView(APIView):
    """Create or update many reviews of one year; all or nothing."""

    permission_classes = [IsAuthenticatedWithRole, roles_only(*REVIEW_ROLES)]  # as the review pages

    @extend_schema(
        request=BulkReviewsSerializer,
        responses={
            200: inline_serializer("BulkReviewsResult", {
                "created": serializers.IntegerField(help_text="Số kết quả thêm mới."),
                "updated": serializers.IntegerField(help_text="Số kết quả đã sửa."),
                "results": ReviewSerializer(many=True, help_text="Các kết quả đã ghi, theo thứ tự gửi."),
            }),
            400: inline_serializer("BulkReviewsErrors", {
                "errors": serializers.ListField(child=serializers.DictField(), required=False, help_text=(
                    "Các dòng bị từ chối: `index` (thứ tự dòng, từ 0), `household`, `errors` (lỗi theo trường). "
                    "Khi có lỗi, không dòng nào được ghi.")),
            }),
        },
        summary="Ghi nhiều kết quả rà soát của một năm (tất cả hoặc không dòng nào)",
        tags=["Rà soát"],
    )
    def post(self, request):
        if not request.user.can_edit_registry:
            raise PermissionDenied("Vai trò của bạn không được nhập kết quả rà soát.")
        envelope = BulkReviewsSerializer(data=request.data)
        envelope.is_valid(raise_exception=True)
        year = envelope.validated_data["year"]
        rows = envelope.validated_data["reviews"]
        codes = [str(row.get("household", "")) for row in rows]
        visible = scope(request.user, AnnualReview.objects.filter(year=year, household__code__in=codes))
        existing = {r.household.code: r for r in visible.select_related("household")}
        seen: dict[str, int] = {}
        errors, items, indexes, created = [], [], [], 0
        context = {"request": request, "view": self}
        # Every row is checked by the review API's serializer (fields, scope, version), then all rows are saved by
        # services.reviews_save_many: review_save's rules for each, written in bulk, nothing if one is refused.
        for index, row in enumerate(rows):
            code = codes[index]
            if code in seen:
                errors.append({"index": index, "household": code, "errors": {
                    "household": [f"Hộ {code} đã có ở dòng {seen[code]} của yêu cầu này."]}})
                continue
            seen[code] = index
            instance = existing.get(code)
            data = {**row, "year": year}
            if instance is not None:
                data.setdefault("version", instance.version)
            try:
                serializer = ReviewSerializer(instance, data=data, partial=instance is not None, context=context)
                serializer.is_valid(raise_exception=True)
                arguments = serializer.service_arguments(instance, serializer.validated_data)
            except ValidationError as exc:
                errors.append({"index": index, "household": code, "errors": _errors(exc.detail)})
                continue
            del arguments["year"]  # the envelope's year, as every row's
            items.append(arguments)
            indexes.append(index)
            created += instance is None
        if errors:
            return Response({"errors": errors}, status=status.HTTP_400_BAD_REQUEST)
        try:
            saved = services.reviews_save_many(year=year, items=items, user=request.user)
        except services.ReviewsRefused as refused:
            return Response({"errors": [
                {"index": indexes[i], "household": codes[indexes[i]], "errors": _errors(exc)}
                for i, exc in sorted(refused.errors.items())
            ]}, status=status.HTTP_400_BAD_REQUEST)
        return Response({
            "created": created,
            "updated": len(saved) - created,
            "results": ReviewSerializer(saved, many=True, context=context).data,
        })

