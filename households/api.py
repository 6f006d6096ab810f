"""API of the registry and the review: `units/`, `ethnic-groups/`, `households/` (members nested and writable),
`standards/`, `classify/` (a calculator) and `reviews/` (through the same services as the pages)."""
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

from rest_framework.decorators import action
from rest_framework.views import APIView

from accounts.api import ScopedQuerysetMixin
from accounts.models import Role
from accounts.scoping import commune_ids, scope
from accounts.audit import AccessChannel, personal_data_read
from accounts.drf import IsAuthenticatedWithRole, year_filter
from accounts.permissions import REGISTRY_READERS, REVIEW_ROLES, roles_only

from . import poverty, services
from .models import (
    AdministrativeUnit,
    AnnualReview,
    Area,
    Change,
    Livelihood,
    Classification,
    EthnicGroup,
    Household,
    Indicator,
    Level,
    Member,
    PovertyCause,
    PovertyStandard,
    Relation,
    ReviewKind,
    ReviewState,
    Sex,
    SupportNeed,
)
from .selectors import household_search
from .text import fold
from .village_names import VillageNames


HOUSEHOLD_NOT_FOUND = "Không tìm thấy hộ {value} trong phạm vi của bạn."


class ScopedHouseholdField(serializers.SlugRelatedField):
    """A household by its code among those the requesting user may see. A code of another commune and a code
    that does not exist get the same answer: the answer never tells which households exist elsewhere."""

    default_error_messages = {"does_not_exist": HOUSEHOLD_NOT_FOUND, "invalid": HOUSEHOLD_NOT_FOUND}

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "code")
        kwargs.setdefault("help_text", "Mã hộ.")
        super().__init__(queryset=Household.objects.all(), **kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        queryset = super().get_queryset()
        return scope(request.user, queryset) if request is not None else queryset.none()


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

    @extend_schema_field({"type": "string", "nullable": True})
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


# --- village labels -----------------------------------------------------------------------------


class VillageLabelListSerializer(serializers.ListSerializer):
    """A list whose rows name their village: the page's villages are read once (households.village_names)."""

    def to_representation(self, data):
        rows = list(data.all() if hasattr(data, "all") else data)
        self.context["_village_names"] = VillageNames({r.village_id for r in rows if r.village_id}).read()
        return super().to_representation(rows)


def village_label_of(serializer: serializers.Serializer, obj, on: dt.date | None) -> str | None:
    """The display name of `obj.village` on `on` (today): the page's read where a list made one, else its own."""
    if not obj.village_id:
        return None
    names = serializer.context.get("_village_names")
    if names is None or not names.knows(obj.village_id):
        names = VillageNames([obj.village_id])
    return names.label(obj.village_id, on=on) or obj.village.name


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
    village_label = serializers.SerializerMethodField(
        help_text="Tên thôn, tổ dân phố để hiển thị (hôm nay): tên thôn, kèm xã cũ khi trong xã có thôn cùng tên, "
                  "ví dụ “Thôn Cả (xã Trung Yên cũ)”. Chỉ đọc; ghi thôn bằng `village` (mã).",
    )
    address = serializers.CharField(required=False, allow_blank=True, max_length=255, help_text="Địa chỉ.")
    head_name = serializers.CharField(read_only=True, help_text="Họ tên chủ hộ (theo nhân khẩu là chủ hộ).")
    livelihood = serializers.ChoiceField(
        choices=Livelihood.choices, required=False, allow_blank=True,
        help_text="Nghề nghiệp chính của hộ: agriculture (nông nghiệp), forestry (lâm nghiệp), fishery (ngư nghiệp), "
                  "salt (diêm nghiệp), other (phi nông nghiệp); rỗng khi chưa rõ. Lần rà soát mới ghi lại giá trị này.",
    )
    members = MemberSerializer(many=True, required=False, help_text="Danh sách nhân khẩu.")
    version = serializers.IntegerField(
        required=False, help_text="Phiên bản đã đọc; gửi lại khi sửa để không ghi đè thay đổi của người khác."
    )

    class Meta:
        model = Household
        fields = ["code", "commune", "village", "village_label", "address", "head_name", "livelihood", "members", "version"]
        list_serializer_class = VillageLabelListSerializer

    @extend_schema_field(OpenApiTypes.STR)
    def get_village_label(self, obj: Household) -> str | None:
        return village_label_of(self, obj, None)

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
    permission_classes = [IsAuthenticatedWithRole, roles_only(*REGISTRY_READERS)]  # as the household pages
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    search_fields: list[str] = []  # handled in get_queryset (diacritics-blind)
    queryset = Household.objects.select_related("commune", "village").prefetch_related(
        Prefetch("members", queryset=Member.objects.select_related("ethnic_group").order_by("order", "id"))
    ).order_by("code")

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        rows = response.data.get("results", []) if isinstance(response.data, dict) else []
        personal_data_read(request, channel=AccessChannel.API, what="API: danh sách hộ (nhân khẩu)", records=len(rows))
        return response

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        personal_data_read(request, channel=AccessChannel.API, what=f"API: hộ {kwargs.get('code', '')} (nhân khẩu)", records=1)
        return response

    def get_queryset(self):
        qs = super().get_queryset()
        search = self.request.query_params.get("search", "").strip()
        if search:
            qs = qs.filter(household_search(search, user=self.request.user))
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


# --- poverty standards, the calculator, annual reviews ------------------------------------------------------

class IndicatorSerializer(serializers.ModelSerializer):
    code = serializers.CharField(help_text="Mã chỉ số trong chuẩn (\"1\"…\"12\" theo Nghị định 07/2021).")
    dimension = serializers.CharField(help_text="Chiều thiếu hụt (mã).")
    dimension_name = serializers.CharField(help_text="Tên chiều thiếu hụt.")
    name = serializers.CharField(help_text="Tên chỉ số.")
    condition = serializers.CharField(help_text="Hộ thiếu hụt khi…")
    derivable = serializers.SerializerMethodField(help_text="Xác định được tự động từ thông tin nhân khẩu, nhà ở.")

    class Meta:
        model = Indicator
        fields = ["code", "dimension", "dimension_name", "name", "condition", "derivable"]

    def get_derivable(self, obj: Indicator) -> bool:
        return obj.key in poverty.DERIVATION_RULES


class StandardSerializer(serializers.ModelSerializer):
    years = serializers.SerializerMethodField(help_text="Các năm rà soát áp dụng chuẩn này.")
    indicators = serializers.SerializerMethodField(help_text="Các chỉ số thiếu hụt theo thứ tự của chuẩn.")

    class Meta:
        model = PovertyStandard
        fields = [
            "code", "name", "legal_basis", "years", "first_year", "last_year", "rural_poor_line", "urban_poor_line",
            "rural_near_poor_line", "urban_near_poor_line", "rural_average_line", "urban_average_line",
            "min_deprivations", "confirmed", "indicators",
        ]

    def get_years(self, obj: PovertyStandard) -> list[int]:
        return list(obj.years)

    @extend_schema_field(IndicatorSerializer(many=True))
    def get_indicators(self, obj: PovertyStandard):
        return IndicatorSerializer(sorted(obj.indicators.all(), key=lambda i: i.order), many=True).data


@extend_schema_view(
    list=extend_schema(summary="Các chuẩn nghèo (chuẩn và chỉ số là dữ liệu)", tags=["Rà soát"]),
    retrieve=extend_schema(summary="Một chuẩn nghèo với các chỉ số", tags=["Rà soát"]),
)
class StandardViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = StandardSerializer
    queryset = PovertyStandard.objects.prefetch_related("indicators").order_by("first_year")
    lookup_field = "code"
    pagination_class = None


class ClassifyRequestSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=1990, max_value=2100, help_text="Năm rà soát (chọn chuẩn áp dụng).")
    area = serializers.ChoiceField(choices=Area.choices, help_text="`rural` nông thôn, `urban` thành thị.")
    income_per_capita_month = serializers.IntegerField(min_value=0, help_text="Thu nhập bình quân (đồng/người/tháng).")
    deprivations = serializers.ListField(
        child=serializers.CharField(), required=False, default=list, help_text="Mã các chỉ số thiếu hụt."
    )


class ClassifyResponseSerializer(serializers.Serializer):
    standard = serializers.CharField(help_text="Mã chuẩn nghèo áp dụng.")
    classification = serializers.ChoiceField(choices=Classification.choices, help_text="Phân loại: `poor` nghèo, `near_poor` cận nghèo, `average` mức sống trung bình, `other` không nghèo.")
    deprivation_count = serializers.IntegerField(help_text="Số chỉ số thiếu hụt.")
    reasons = serializers.ListField(child=serializers.CharField(), help_text="Lý do, bằng câu tiếng Việt.")


class ClassifyView(APIView):
    """A calculator: classify under the standard of a year, storing nothing."""

    @extend_schema(request=ClassifyRequestSerializer, responses={200: ClassifyResponseSerializer},
                   summary="Tính phân loại hộ (không lưu)", tags=["Rà soát"])
    def post(self, request):
        data = ClassifyRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            standard = PovertyStandard.objects.for_year(values["year"])
        except PovertyStandard.DoesNotExist:
            raise serializers.ValidationError({"year": [f"Chưa có chuẩn nghèo áp dụng cho năm {values['year']}."]}) from None
        rules = standard.to_rules()
        try:
            result = poverty.classify(rules, area=values["area"], income_per_capita_month=values["income_per_capita_month"],
                                      deprivations=values["deprivations"])
        except ValueError as exc:
            raise serializers.ValidationError({"deprivations": [str(exc)]}) from None
        return Response({
            "standard": standard.code, "classification": result.category,
            "deprivation_count": result.deprivation_count, "reasons": list(result.reasons),
        })


def _sees_income(request) -> bool:
    return request is not None and request.user.sees_personal_data


class ReviewSerializer(serializers.ModelSerializer):
    household = ScopedHouseholdField()
    year = serializers.IntegerField(min_value=2016, max_value=2100, help_text="Năm rà soát.")
    review_date = serializers.DateField(required=False, help_text="Ngày rà soát (mặc định: hôm nay trong năm hiện tại).")
    kind = serializers.ChoiceField(choices=ReviewKind.choices, required=False, help_text="Định kỳ hay thường xuyên.")
    standard = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="Chuẩn nghèo áp dụng (theo năm).")
    commune = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="Mã xã tại ngày rà soát.")
    village = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="Mã thôn tại ngày rà soát.")
    village_label = serializers.SerializerMethodField(
        help_text="Tên thôn tại ngày rà soát để hiển thị: kèm xã cũ khi trong xã có thôn cùng tên, ví dụ "
                  "“Thôn Cả (xã Trung Yên cũ)”.",
    )
    area = serializers.CharField(read_only=True, help_text="Khu vực tại ngày rà soát (chọn chuẩn thu nhập).")
    income_per_capita_month = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, help_text="Thu nhập bình quân (đồng/người/tháng)."
    )
    income_total_12m = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, help_text="Tổng thu nhập 12 tháng (đồng); khi có, thu nhập bình quân được tính."
    )
    member_count = serializers.IntegerField(required=False, min_value=1, help_text="Số nhân khẩu (mặc định theo sổ hộ).")
    deprivations = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Mã các chỉ số thiếu hụt (\"1\"…\"12\")."
    )
    override_reasons = serializers.DictField(
        child=serializers.CharField(), required=False, write_only=True,
        help_text="Lý do khi ghi khác giá trị xác định từ thông tin hộ, theo mã chỉ số.",
    )
    facts = serializers.JSONField(required=False, help_text="Thông tin nhân khẩu và nhà ở dùng xác định chỉ số.")
    indicators = serializers.JSONField(read_only=True, help_text="Từng chỉ số: thiếu hụt, nguồn (xác định/nhập/sửa), lý do sửa.")
    causes = serializers.SlugRelatedField(slug_field="code", many=True, required=False, queryset=PovertyCause.objects.all(), help_text="Nguyên nhân nghèo (mã).")
    needs = serializers.SlugRelatedField(slug_field="code", many=True, required=False, queryset=SupportNeed.objects.all(), help_text="Nhu cầu hỗ trợ (mã).")
    classification = serializers.ChoiceField(
        choices=Classification.choices, read_only=True, help_text="Phân loại do hệ thống tính theo chuẩn của năm (không nhập)."
    )
    previous_classification = serializers.CharField(read_only=True, help_text="Phân loại ở lần rà soát trước.")
    change = serializers.ChoiceField(choices=Change.choices, read_only=True, help_text="Biến động so với lịch sử của hộ (tính tự động).")
    deprivation_count = serializers.IntegerField(read_only=True, help_text="Số chỉ số thiếu hụt.")
    reasons = serializers.ListField(child=serializers.CharField(), read_only=True, help_text="Lý do phân loại, bằng câu tiếng Việt.")
    state = serializers.ChoiceField(choices=ReviewState.choices, read_only=True, help_text="Bước của quy trình Quyết định 24/2021/QĐ-TTg.")
    decision_number = serializers.CharField(read_only=True, help_text="Số quyết định công nhận của Chủ tịch UBND xã.")
    decision_date = serializers.DateField(read_only=True, allow_null=True, help_text="Ngày quyết định công nhận.")
    version = serializers.IntegerField(required=False, help_text="Phiên bản đã đọc; bắt buộc khi sửa.")

    class Meta:
        model = AnnualReview
        fields = [
            "id", "household", "year", "review_date", "kind", "standard", "commune", "village", "village_label", "area", "ethnic_minority",
            "member_count", "income_total_12m", "income_per_capita_month", "deprivations", "override_reasons", "facts",
            "indicators", "classification", "previous_classification", "change", "deprivation_count", "reasons",
            "causes", "needs", "no_working_capacity", "person_of_merit", "livelihood", "notes", "state", "decision_number",
            "decision_date", "version", "updated_at",
        ]
        read_only_fields = ["ethnic_minority", "updated_at"]
        validators: list = []  # one review per household and year: checked with a Vietnamese message in _save
        list_serializer_class = VillageLabelListSerializer

    @extend_schema_field(OpenApiTypes.STR)
    def get_village_label(self, obj: AnnualReview) -> str | None:
        return village_label_of(self, obj, obj.review_date)

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | tuple) and hasattr(self.instance, "pk"):
            fields["household"].read_only = True
            fields["year"].read_only = True
        return fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["deprivations"] = instance.deprived_codes
        if not _sees_income(self.context.get("request")):
            for key in ("income_total_12m", "income_per_capita_month", "facts", "reasons"):
                data[key] = None
        return data

    def service_arguments(self, instance: AnnualReview | None, validated: dict) -> dict:
        """The arguments of `services.review_save` for validated data (also used by the bulk endpoint)."""
        validated = dict(validated)
        household = instance.household if instance else validated.pop("household")
        year = instance.year if instance else validated.pop("year")
        if instance is None and AnnualReview.objects.filter(household=household, year=year).exists():
            raise serializers.ValidationError({"year": [f"Hộ {household.code} đã có kết quả rà soát năm {year}: sửa bằng PATCH."]})
        if instance is not None and validated.get("version") is None:
            raise serializers.ValidationError({"version": ["Gửi kèm phiên bản đã đọc (version) khi sửa."]})
        kwargs = {k: validated[k] for k in (
            "review_date", "kind", "income_total_12m", "income_per_capita_month", "member_count", "facts", "deprivations",
            "override_reasons", "causes", "needs", "no_working_capacity", "person_of_merit", "livelihood", "notes", "version",
        ) if k in validated}
        if instance is None and "income_total_12m" not in kwargs and kwargs.get("income_per_capita_month") is None:
            raise serializers.ValidationError({"income_per_capita_month": ["Chưa nhập thu nhập bình quân."]})
        return {"household": household, "year": year, **kwargs}

    def _save(self, instance: AnnualReview | None, validated: dict) -> AnnualReview:
        return services.review_save(user=self.context["request"].user, **self.service_arguments(instance, validated))

    def create(self, validated_data):
        return self._save(None, validated_data)

    def update(self, instance, validated_data):
        return self._save(instance, validated_data)


class ReviewFilter(django_filters.FilterSet):
    year = year_filter(help_text="Năm rà soát.")
    commune = django_filters.CharFilter(field_name="commune__code", help_text="Mã xã (đơn vị tại ngày rà soát).")
    village = django_filters.CharFilter(field_name="village__code", help_text="Mã thôn.")
    household = django_filters.CharFilter(field_name="household__code", help_text="Mã hộ.")
    classification = django_filters.ChoiceFilter(choices=Classification.choices, help_text="Phân loại.")
    state = django_filters.ChoiceFilter(choices=ReviewState.choices, help_text="Bước của quy trình.")

    class Meta:
        model = AnnualReview
        fields = ["year", "commune", "village", "household", "classification", "state"]


class TransitionSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=ReviewState.choices, help_text="Bước tiếp theo.")
    version = serializers.IntegerField(help_text="Phiên bản đã đọc.")
    note = serializers.CharField(required=False, allow_blank=True, default="", help_text="Ghi chú; lý do khi mở lại.")
    decision_number = serializers.CharField(required=False, allow_blank=True, default="", help_text="Số quyết định công nhận.")
    decision_date = serializers.DateField(required=False, allow_null=True, default=None, help_text="Ngày quyết định công nhận.")


@extend_schema_view(
    list=extend_schema(summary="Kết quả rà soát hộ nghèo, cận nghèo", tags=["Rà soát"]),
    retrieve=extend_schema(summary="Một kết quả rà soát", tags=["Rà soát"]),
    create=extend_schema(summary="Thêm kết quả rà soát (phân loại được tính)", tags=["Rà soát"]),
    update=extend_schema(summary="Sửa kết quả rà soát (gửi version đã đọc)", tags=["Rà soát"]),
    partial_update=extend_schema(summary="Sửa một phần kết quả rà soát (gửi version đã đọc)", tags=["Rà soát"]),
)
class ReviewViewSet(
    ScopedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ReviewSerializer
    filterset_class = ReviewFilter
    permission_classes = [IsAuthenticatedWithRole, roles_only(*REVIEW_ROLES)]  # as the review pages
    queryset = AnnualReview.objects.select_related("household", "standard", "commune", "village").prefetch_related(
        "causes", "needs"
    ).order_by("-year", "household__code")

    def _check_write(self):
        if not self.request.user.can_edit_registry:
            raise PermissionDenied("Vai trò của bạn không được nhập kết quả rà soát.")

    def create(self, request, *args, **kwargs):
        self._check_write()
        return super().create(request, *args, **kwargs)

    def update(self, request, *args, **kwargs):
        self._check_write()
        return super().update(request, *args, **kwargs)

    @extend_schema(request=TransitionSerializer, responses={200: ReviewSerializer},
                   summary="Chuyển bước quy trình (hoàn thành, trả lại, công nhận, xác nhận, mở lại)", tags=["Rà soát"])
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        self._check_write()
        review = self.get_object()
        data = TransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        if v["state"] in (ReviewState.AGREED, ReviewState.POSTED):
            raise serializers.ValidationError({"state": ["Thống nhất và niêm yết được ghi theo cả thôn (họp thôn, niêm yết) trên trang rà soát."]})
        moved = services.review_transition(
            review=review, to_state=v["state"], user=request.user, note=v["note"], version=v["version"],
            decision_number=v["decision_number"], decision_date=v["decision_date"],
        )
        return Response(ReviewSerializer(moved, context=self.get_serializer_context()).data)
