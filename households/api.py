"""API of the registry: `units/`, `ethnic-groups/`, `households/` (members nested and writable)."""
from __future__ import annotations

import datetime as dt

import django_filters
from django.db.models import Prefetch, Q
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts.api import ScopedQuerysetMixin
from accounts.models import Role
from accounts.scoping import commune_ids

from . import services
from .models import AdministrativeUnit, EthnicGroup, Household, Level, Member, Relation, Sex
from .text import fold


def mask_citizen_id(value: str | None) -> str | None:
    """Only the last four digits, for roles that need no ID numbers."""
    if not value:
        return value
    return "*" * (len(value) - 4) + value[-4:]


# --- units ---------------------------------------------------------------------------------------


class UnitSerializer(serializers.ModelSerializer):
    code = serializers.CharField(help_text="Mã đơn vị hành chính (Tổng cục Thống kê).")
    name = serializers.CharField(help_text="Tên đơn vị.")
    level = serializers.ChoiceField(choices=Level.choices, help_text="Cấp: tỉnh, huyện, xã, thôn.")
    parent = serializers.SerializerMethodField(help_text="Mã đơn vị cấp trên.")
    area = serializers.CharField(help_text="Khu vực: `rural` nông thôn, `urban` thành thị.")
    extremely_difficult = serializers.BooleanField(help_text="Xã đặc biệt khó khăn (Kế hoạch, mục III.3).")
    valid_from = serializers.DateField(help_text="Hiệu lực từ ngày.")
    valid_to = serializers.DateField(allow_null=True, help_text="Hiệu lực đến ngày; null khi còn hiệu lực.")
    successors = serializers.SerializerMethodField(help_text="Mã các đơn vị kế thừa sau sáp nhập.")

    class Meta:
        model = AdministrativeUnit
        fields = ["code", "name", "level", "parent", "area", "extremely_difficult", "valid_from", "valid_to", "successors"]

    @extend_schema_field(OpenApiTypes.STR)
    def get_parent(self, obj: AdministrativeUnit) -> str | None:
        return obj.parent.code if obj.parent_id else None

    def get_successors(self, obj: AdministrativeUnit) -> list[str]:
        return [s.code for s in obj.successors.all()]


class UnitFilter(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(choices=Level.choices, help_text="Cấp đơn vị.")
    parent = django_filters.CharFilter(field_name="parent__code", help_text="Mã đơn vị cấp trên.")
    valid_on = django_filters.DateFilter(method="filter_valid_on", help_text="Chỉ các đơn vị có hiệu lực vào ngày này.")

    class Meta:
        model = AdministrativeUnit
        fields = ["level", "parent", "valid_on"]

    def filter_valid_on(self, qs, name, value: dt.date):
        return qs.in_force(value)


@extend_schema_view(
    list=extend_schema(summary="Danh sách đơn vị hành chính", tags=["Danh mục"]),
    retrieve=extend_schema(summary="Một đơn vị hành chính (đang có hiệu lực, theo mã)", tags=["Danh mục"]),
)
class UnitViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = UnitSerializer
    filterset_class = UnitFilter
    search_fields = ["code", "name"]
    lookup_field = "code"
    queryset = AdministrativeUnit.objects.select_related("parent").prefetch_related("successors").order_by(
        "level", "code", "valid_from"
    )

    def get_object(self):
        """A code means the unit in force on `valid_on` (default today): codes were reused after mergers."""
        on = self.request.query_params.get("valid_on")
        try:
            day = dt.date.fromisoformat(on) if on else timezone.localdate()
        except ValueError:
            day = timezone.localdate()
        qs = self.get_queryset().filter(code=self.kwargs["code"])
        unit = qs.in_force(day).first() or qs.order_by("-valid_from").first()
        if unit is None:
            from django.http import Http404

            raise Http404
        return unit


# --- ethnic groups -------------------------------------------------------------------------------


class EthnicGroupSerializer(serializers.ModelSerializer):
    code = serializers.CharField(help_text="Mã dân tộc (danh mục 1979).")
    name = serializers.CharField(help_text="Tên dân tộc.")
    minority = serializers.BooleanField(help_text="Dân tộc thiểu số.")

    class Meta:
        model = EthnicGroup
        fields = ["code", "name", "minority"]


@extend_schema_view(
    list=extend_schema(summary="Danh mục 54 dân tộc", tags=["Danh mục"]),
    retrieve=extend_schema(summary="Một dân tộc", tags=["Danh mục"]),
)
class EthnicGroupViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = EthnicGroupSerializer
    queryset = EthnicGroup.objects.order_by("code")
    lookup_field = "code"
    pagination_class = None


# --- households ----------------------------------------------------------------------------------


class MemberSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(required=False, help_text="Mã nhân khẩu trong hệ thống; bỏ trống khi thêm mới.")
    full_name = serializers.CharField(max_length=120, help_text="Họ và tên.")
    sex = serializers.ChoiceField(choices=Sex.choices, help_text="Giới tính: `male` nam, `female` nữ.")
    birth_date = serializers.DateField(required=False, allow_null=True, help_text="Ngày sinh (ISO 8601).")
    citizen_id = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=16,
        help_text="Số định danh cá nhân, 12 chữ số; che bớt với vai trò không cần số định danh.",
    )
    ethnic_group = serializers.SlugRelatedField(
        slug_field="code", queryset=EthnicGroup.objects.all(), required=False, allow_null=True,
        help_text="Mã dân tộc.",
    )
    relation = serializers.ChoiceField(choices=Relation.choices, help_text="Quan hệ với chủ hộ.")

    class Meta:
        model = Member
        fields = ["id", "full_name", "sex", "birth_date", "citizen_id", "ethnic_group", "relation"]

    def validate_citizen_id(self, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        value = value.strip()
        if not (len(value) == 12 and value.isdigit()):
            raise serializers.ValidationError("Số định danh cá nhân phải gồm đúng 12 chữ số.")
        return value

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None and not request.user.sees_personal_data:
            data["citizen_id"] = mask_citizen_id(data.get("citizen_id"))
        return data


class HouseholdSerializer(serializers.ModelSerializer):
    code = serializers.CharField(max_length=32, help_text="Mã hộ, duy nhất trong hệ thống.")
    commune = serializers.SlugRelatedField(
        slug_field="code", queryset=AdministrativeUnit.objects.filter(level=Level.COMMUNE),
        help_text="Mã xã nơi hộ đang cư trú (đơn vị đang có hiệu lực).",
    )
    village = serializers.SlugRelatedField(
        slug_field="code", queryset=AdministrativeUnit.objects.filter(level=Level.VILLAGE),
        required=False, allow_null=True, help_text="Mã thôn, tổ dân phố.",
    )
    address = serializers.CharField(required=False, allow_blank=True, max_length=255, help_text="Địa chỉ.")
    head_name = serializers.CharField(read_only=True, help_text="Họ tên chủ hộ (theo nhân khẩu là chủ hộ).")
    members = MemberSerializer(many=True, required=False, help_text="Danh sách nhân khẩu.")
    version = serializers.IntegerField(
        required=False, help_text="Phiên bản đã đọc; gửi lại khi sửa để không ghi đè thay đổi của người khác."
    )

    class Meta:
        model = Household
        fields = ["code", "commune", "village", "address", "head_name", "members", "version"]

    def get_fields(self):
        fields = super().get_fields()
        # A code names the unit in force today (codes were reused after the 2025 reform).
        today = timezone.localdate()
        fields["commune"].queryset = AdministrativeUnit.objects.in_force(today).filter(level=Level.COMMUNE)
        return fields

    def validate_commune(self, commune: AdministrativeUnit) -> AdministrativeUnit:
        user = self.context["request"].user
        allowed = commune_ids(user)
        if allowed is not None and commune.pk not in allowed:
            raise serializers.ValidationError("Bạn chỉ được ghi dữ liệu của xã mình.")
        return commune

    def _save(self, instance: Household | None, validated: dict) -> Household:
        members = validated.pop("members", None)
        version = validated.pop("version", None)
        if members is not None:
            members = [dict(m) for m in members]
        return services.household_save(household=instance, data=validated, members=members, version=version)

    def create(self, validated_data):
        return self._save(None, validated_data)

    def update(self, instance, validated_data):
        return self._save(instance, validated_data)


class HouseholdFilter(django_filters.FilterSet):
    commune = django_filters.CharFilter(field_name="commune__code", help_text="Mã xã.")
    village = django_filters.CharFilter(field_name="village__code", help_text="Mã thôn.")

    class Meta:
        model = Household
        fields = ["commune", "village"]


@extend_schema_view(
    list=extend_schema(
        summary="Danh sách hộ gia đình",
        tags=["Hộ gia đình"],
        parameters=[OpenApiParameter("search", str, description="Tìm theo mã hộ, họ tên (không cần dấu), số định danh.")],
    ),
    retrieve=extend_schema(summary="Một hộ gia đình với nhân khẩu", tags=["Hộ gia đình"]),
    create=extend_schema(summary="Thêm hộ gia đình", tags=["Hộ gia đình"]),
    update=extend_schema(summary="Sửa hộ gia đình (thay toàn bộ danh sách nhân khẩu)", tags=["Hộ gia đình"]),
    partial_update=extend_schema(summary="Sửa một phần hộ gia đình", tags=["Hộ gia đình"]),
)
class HouseholdViewSet(
    ScopedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = HouseholdSerializer
    filterset_class = HouseholdFilter
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    search_fields: list[str] = []  # handled in get_queryset (diacritics-blind)
    queryset = Household.objects.select_related("commune", "village").prefetch_related(
        Prefetch("members", queryset=Member.objects.select_related("ethnic_group").order_by("order", "id"))
    ).order_by("code")

    def get_queryset(self):
        qs = super().get_queryset()
        search = self.request.query_params.get("search", "").strip()
        if search:
            key = fold(search)
            ids = Member.objects.filter(Q(search_key__contains=key) | Q(citizen_id=search)).values("household_id")
            qs = qs.filter(Q(search_key__contains=key) | Q(pk__in=ids))
        return qs

    def _check_write(self):
        user = self.request.user
        if not user.can_edit_registry:
            raise PermissionDenied("Vai trò của bạn không được sửa sổ hộ gia đình.")

    def create(self, request, *args, **kwargs):
        self._check_write()
        return super().create(request, *args, **kwargs)

    def update(self, request, *args, **kwargs):
        self._check_write()
        return super().update(request, *args, **kwargs)
