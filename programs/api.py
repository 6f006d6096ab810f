"""API of the plan: `agencies/`, `tasks/`, `targets/`, `support-records/` (names per docs/api.md)."""
from __future__ import annotations

import django_filters
from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.exceptions import ValidationError as DRFValidationError

from accounts.api import ScopedQuerysetMixin
from accounts.drf import IsAuthenticatedWithRole, Pagination, year_filter
from accounts.models import Role
from accounts.scoping import commune_ids, scope
from households.api import ScopedHouseholdField
from households.models import AdministrativeUnit, Household, Level

from . import selectors, services
from .models import (
    Agency, Comparison, FundingSource, Metric, SupportPolicy, SupportRecord, Target, TaskAssignment, TaskStatus,
)

class NotProvinceViewer(permissions.BasePermission):
    message = "Cán bộ tỉnh xem số liệu tổng hợp, không xem danh sách hỗ trợ từng hộ."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return user.is_superuser or user.role != Role.PROVINCE_VIEWER


# --- agencies ---------------------------------------------------------------------------------------------------


class AgencySerializer(serializers.ModelSerializer):
    code = serializers.CharField(help_text="Mã cơ quan, đơn vị.")
    name = serializers.CharField(help_text="Tên cơ quan, đơn vị.")
    short_name = serializers.CharField(help_text="Tên viết tắt.")
    plan_item = serializers.IntegerField(allow_null=True, help_text="Mục trong phần IV của Kế hoạch.")

    class Meta:
        model = Agency
        fields = ["code", "name", "short_name", "plan_item"]


@extend_schema_view(
    list=extend_schema(summary="Các cơ quan, đơn vị được giao nhiệm vụ (mục IV của Kế hoạch)", tags=["Kế hoạch"]),
    retrieve=extend_schema(summary="Một cơ quan, đơn vị", tags=["Kế hoạch"]),
)
class AgencyViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = AgencySerializer
    queryset = Agency.objects.order_by("plan_item", "code")
    lookup_field = "code"
    search_fields = ["code", "name", "short_name"]


# --- tasks ------------------------------------------------------------------------------------------------------


class TaskSerializer(serializers.ModelSerializer):
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="Mã cơ quan chủ trì.")
    commune = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True, help_text="Mã xã (nhiệm vụ của UBND xã, mục IV.13).")
    duty = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="Mục của nhiệm vụ trong Kế hoạch.")
    title = serializers.CharField(read_only=True, help_text="Nhiệm vụ.")
    year = serializers.IntegerField(read_only=True, help_text="Năm.")
    due_date = serializers.DateField(read_only=True, help_text="Hạn hoàn thành.")
    status = serializers.ChoiceField(choices=TaskStatus.choices, help_text="Tình trạng.")
    progress = serializers.IntegerField(min_value=0, max_value=100, help_text="Tiến độ (0–100).")
    narrative = serializers.CharField(write_only=True, help_text="Kết quả thực hiện, khó khăn, kiến nghị (bắt buộc khi cập nhật).")
    overdue = serializers.BooleanField(read_only=True, help_text="Quá hạn mà chưa hoàn thành.")
    last_update_at = serializers.DateTimeField(read_only=True, allow_null=True, help_text="Lần báo cáo tiến độ gần nhất.")
    version = serializers.IntegerField(required=False, help_text="Phiên bản đã đọc; gửi lại khi cập nhật.")

    class Meta:
        model = TaskAssignment
        fields = ["id", "agency", "commune", "duty", "title", "year", "due_date", "status", "progress", "narrative",
                  "overdue", "last_update_at", "version"]

    def update(self, instance: TaskAssignment, validated: dict) -> TaskAssignment:
        services.task_update_post(
            user=self.context["request"].user, task=instance, status=validated.get("status", instance.status),
            progress=validated.get("progress", instance.progress), narrative=validated.get("narrative", ""),
            version=validated.get("version"),
        )
        return instance


class TaskFilter(django_filters.FilterSet):
    agency = django_filters.CharFilter(field_name="agency__code", help_text="Mã cơ quan chủ trì.")
    year = year_filter(help_text="Năm.")
    status = django_filters.ChoiceFilter(choices=TaskStatus.choices, help_text="Tình trạng.")
    commune = django_filters.CharFilter(field_name="commune__code", help_text="Mã xã.")

    class Meta:
        model = TaskAssignment
        fields = ["agency", "year", "status", "commune"]


@extend_schema_view(
    list=extend_schema(summary="Nhiệm vụ được giao (trong phạm vi người dùng)", tags=["Kế hoạch"]),
    retrieve=extend_schema(summary="Một nhiệm vụ", tags=["Kế hoạch"]),
    partial_update=extend_schema(
        summary="Báo cáo tiến độ một nhiệm vụ (tình trạng, tiến độ, nội dung; gửi kèm version)", tags=["Kế hoạch"]
    ),
)
class TaskViewSet(ScopedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin,
                  viewsets.GenericViewSet):
    serializer_class = TaskSerializer
    filterset_class = TaskFilter
    search_fields = ["title", "duty__code"]
    queryset = TaskAssignment.objects.select_related("agency", "commune", "duty").order_by("year", "duty__order", "commune__name", "id")
    http_method_names = ["get", "patch", "head", "options"]



# --- targets ----------------------------------------------------------------------------------------------------


class TargetResultSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Mã chỉ tiêu.")
    metric = serializers.ChoiceField(choices=Metric.choices, help_text="Chỉ số.")
    title = serializers.CharField(help_text="Chỉ tiêu.")
    unit = serializers.CharField(help_text="Mã địa bàn được tính.")
    baseline_year = serializers.IntegerField(help_text="Năm gốc.")
    end_year = serializers.IntegerField(help_text="Năm đích.")
    year = serializers.IntegerField(help_text="Năm được đánh giá.")
    comparison = serializers.ChoiceField(choices=Comparison.choices, help_text="So sánh với giá trị chỉ tiêu.")
    target = serializers.DecimalField(max_digits=8, decimal_places=2, help_text="Giá trị chỉ tiêu (điểm %/năm, số xã, số hộ).")
    actual = serializers.DecimalField(
        max_digits=8, decimal_places=2, allow_null=True,
        help_text="Thực hiện, tính từ kết quả rà soát chính thức: mức giảm bình quân đã đạt (điểm %/năm) hoặc số xã, số hộ trong năm.",
    )
    status = serializers.ChoiceField(
        choices=["met", "on_track", "at_risk", "missed"], allow_null=True,
        help_text="`met` đạt, `on_track` đúng tiến độ, `at_risk` có nguy cơ, `missed` không đạt; null khi chưa có số liệu.",
    )
    needed_per_year = serializers.DecimalField(
        max_digits=8, decimal_places=2, allow_null=True, help_text="Mức giảm bình quân còn cần mỗi năm đến năm đích."
    )
    baseline = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True, help_text="Tỷ lệ hoặc số lượng năm gốc.")
    current = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True, help_text="Tỷ lệ hoặc số lượng năm được đánh giá.")


def _r2(value):
    from .tracking import r2

    return r2(value)


class TargetViewSet(viewsets.GenericViewSet):
    """`targets/?year=Y&unit=CODE`: the plan's targets for a unit (the program area by default) and year, with the
    actual computed from the official reviews. For a commune: its own division of each target where the district
    has set one, otherwise the district's target, computed over the commune and the units it succeeded."""

    serializer_class = TargetResultSerializer
    pagination_class = Pagination
    queryset = Target.objects.none()

    @extend_schema(
        summary="Chỉ tiêu và kết quả thực hiện của một địa bàn trong một năm",
        tags=["Kế hoạch"],
        parameters=[
            OpenApiParameter("year", OpenApiTypes.INT, description="Năm đánh giá (mặc định: năm gần nhất có kết quả rà soát chính thức)."),
            OpenApiParameter("unit", OpenApiTypes.STR, description="Mã địa bàn: huyện (mặc định) hoặc xã."),
        ],
    )
    def list(self, request):
        user = request.user
        district = list(selectors.targets_queryset().filter(parent__isnull=True).prefetch_related("divisions"))
        ctx = selectors.target_context(targets=district)
        try:
            year = int(request.query_params.get("year") or ctx.latest_year or timezone.localdate().year)
        except ValueError:
            raise DRFValidationError({"year": ["Năm không hợp lệ."]}) from None
        if not 2000 <= year <= 2100:
            raise DRFValidationError({"year": ["Năm phải từ 2000 đến 2100."]})
        area = selectors.program_area()
        code = request.query_params.get("unit") or area.code
        unit = self._unit(code, year, area)
        allowed = commune_ids(user)
        if unit.pk != area.pk and allowed is not None and unit.pk not in allowed:
            raise Http404
        if unit.pk == area.pk:
            rows = selectors.targets_progress(targets=district, year=year, ctx=ctx)
            items = [(r.target, r.progress) for r in rows]
        else:
            items = []
            for t in district:
                row = selectors.target_by_commune(target=t, year=year, communes=[unit], ctx=ctx)[0]
                items.append((row.division or t, row.progress))
        data = [
            {
                "code": t.code, "metric": t.metric, "title": t.title, "unit": unit.code, "baseline_year": t.baseline_year,
                "end_year": t.end_year, "year": year, "comparison": t.comparison, "target": t.value,
                "actual": _r2(p.actual), "status": p.status, "needed_per_year": _r2(p.needed_per_year),
                "baseline": _r2(p.baseline), "current": _r2(p.current),
            }
            for t, p in items
        ]
        page = self.paginate_queryset(data)
        return self.get_paginated_response(TargetResultSerializer(page, many=True).data)

    @staticmethod
    def _unit(code: str, year: int, area: AdministrativeUnit) -> AdministrativeUnit:
        if code == area.code:
            return area
        qs = AdministrativeUnit.objects.filter(code=code, level=Level.COMMUNE)
        day = selectors.year_end(year) if year <= timezone.localdate().year else timezone.localdate()
        unit = qs.in_force(day).first() or qs.order_by("-valid_from").first()
        if unit is None:
            raise Http404
        return unit


# --- support records --------------------------------------------------------------------------------------------


class SupportRecordSerializer(serializers.ModelSerializer):
    household = ScopedHouseholdField()
    policy = serializers.SlugRelatedField(slug_field="code", queryset=SupportPolicy.objects.all(), help_text="Mã chính sách.")
    date = serializers.DateField(help_text="Ngày hỗ trợ (ISO 8601).")
    amount = serializers.IntegerField(min_value=1, help_text="Số tiền, giá trị (đồng, số nguyên dương).")
    funding_source = serializers.ChoiceField(choices=FundingSource.choices, help_text="Nguồn kinh phí.")
    agency = serializers.SerializerMethodField(help_text="Mã cơ quan thực hiện chính sách.")
    commune = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="Mã xã của hộ vào ngày hỗ trợ.")
    note = serializers.CharField(required=False, allow_blank=True, max_length=255, help_text="Ghi chú.")

    class Meta:
        model = SupportRecord
        fields = ["id", "household", "policy", "date", "amount", "funding_source", "agency", "commune", "note", "recorded_at"]
        read_only_fields = ["id", "recorded_at"]

    def get_agency(self, obj: SupportRecord) -> str:
        return obj.policy.agency.code

    def to_internal_value(self, data):
        amount = data.get("amount") if hasattr(data, "get") else None
        if isinstance(amount, float) and amount != int(amount):
            raise DRFValidationError({"amount": ["Số tiền tính bằng đồng, không có phần lẻ."]})
        return super().to_internal_value(data)

    def create(self, validated: dict) -> SupportRecord:
        return services.support_record_create(user=self.context["request"].user, **validated)


class SupportRecordFilter(django_filters.FilterSet):
    household = django_filters.CharFilter(field_name="household__code", help_text="Mã hộ.")
    policy = django_filters.CharFilter(field_name="policy__code", help_text="Mã chính sách.")
    year = year_filter(field_name="date__year", help_text="Năm hỗ trợ.")

    class Meta:
        model = SupportRecord
        fields = ["household", "policy", "year"]


@extend_schema_view(
    list=extend_schema(summary="Hỗ trợ đã thực hiện (trong phạm vi người dùng)", tags=["Kế hoạch"]),
    retrieve=extend_schema(summary="Một lượt hỗ trợ", tags=["Kế hoạch"]),
    create=extend_schema(summary="Ghi nhận hỗ trợ cho một hộ (cơ quan chỉ ghi theo chính sách của mình)", tags=["Kế hoạch"]),
)
class SupportRecordViewSet(ScopedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                           viewsets.GenericViewSet):
    """Support records name households: the roles that work with households read them (not the province)."""

    permission_classes = [IsAuthenticatedWithRole, NotProvinceViewer]
    serializer_class = SupportRecordSerializer
    filterset_class = SupportRecordFilter
    queryset = SupportRecord.objects.select_related("household", "policy", "policy__agency", "commune").order_by("-date", "-id")
