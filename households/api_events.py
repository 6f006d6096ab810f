"""`household-events/` (docs/api.md): the registry events — splits, mergers, moves, arrivals, departures, households that
end — read and recorded through the services of `households.events`, scoped like the households."""
from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts.api import ScopedQuerysetMixin
from accounts.models import Role
from accounts.scoping import scope
from accounts.drf import IsAuthenticatedWithRole, year_filter
from accounts.permissions import REGISTRY_READERS, roles_only

from . import events
from .api import HOUSEHOLD_NOT_FOUND
from .models import AdministrativeUnit, EventKind, Household, HouseholdEvent, Level, Member

# Who reads the registry (households.views.REGISTRY_READERS); the provincial viewer reads figures, not households.
READERS = (Role.COMMUNE_OFFICER, Role.DISTRICT_OFFICER, Role.AGENCY_OFFICER, Role.ADMIN)


class HouseholdEventSerializer(serializers.ModelSerializer):
    household = serializers.CharField(help_text="Mã hộ có biến động.")
    kind = serializers.ChoiceField(
        choices=EventKind.choices,
        help_text="`split` tách hộ, `merge` nhập vào hộ khác, `move` chuyển nơi ở trong địa bàn, `move_in` chuyển đến từ "
                  "ngoài địa bàn, `move_out` chuyển đi khỏi địa bàn, `dissolve` không còn hộ.",
    )
    date = serializers.DateField(help_text="Ngày biến động (ISO 8601), không sau hôm nay.")
    reason = serializers.CharField(help_text="Lý do.")
    other_household = serializers.CharField(
        required=False, allow_blank=True, allow_null=True,
        help_text="Tách hộ: mã của hộ mới (chưa có trong hệ thống); nhập hộ: mã của hộ nhận.",
    )
    commune = serializers.SerializerMethodField(help_text="Mã xã nơi hộ ở khi có biến động.")
    from_village = serializers.SerializerMethodField(help_text="Mã thôn nơi hộ ở khi có biến động.")
    to_commune = serializers.CharField(required=False, allow_blank=True, allow_null=True, help_text="Chuyển nơi ở: mã xã nơi đến.")
    to_village = serializers.CharField(required=False, allow_blank=True, allow_null=True, help_text="Chuyển nơi ở, tách hộ: mã thôn nơi đến.")
    members = serializers.ListField(
        child=serializers.IntegerField(), required=False, write_only=True,
        help_text="Tách hộ: mã số (id) các nhân khẩu chuyển sang hộ mới; người đầu tiên là chủ hộ mới.",
    )
    moved_members = serializers.JSONField(source="members", read_only=True, help_text="Nhân khẩu chuyển hộ: [{id, full_name}].")
    head = serializers.IntegerField(required=False, write_only=True, help_text="Tách hộ: nhân khẩu làm chủ hộ mới.")
    new_head = serializers.IntegerField(
        required=False, write_only=True, help_text="Tách hộ khi chủ hộ chuyển đi: nhân khẩu ở lại làm chủ hộ cũ.",
    )
    version = serializers.IntegerField(required=False, write_only=True, help_text="Phiên bản của hộ đã đọc (không ghi đè).")
    recorded_by = serializers.SerializerMethodField(help_text="Người ghi.")

    class Meta:
        model = HouseholdEvent
        fields = [
            "id", "household", "kind", "date", "reason", "other_household", "commune", "from_village", "to_commune",
            "to_village", "members", "moved_members", "head", "new_head", "version", "recorded_by", "created_at",
        ]
        read_only_fields = ["id", "created_at"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["household"] = instance.household.code
        data["other_household"] = instance.other_household.code if instance.other_household_id else None
        data["to_commune"] = instance.to_commune.code if instance.to_commune_id else None
        data["to_village"] = instance.to_village.code if instance.to_village_id else None
        return data

    def get_commune(self, obj) -> str:
        return obj.commune.code

    def get_from_village(self, obj) -> str | None:
        return obj.from_village.code if obj.from_village_id else None

    def get_recorded_by(self, obj) -> str | None:
        return obj.recorded_by.display_name if obj.recorded_by_id else None

    def _household(self, code: str, field: str) -> Household:
        user = self.context["request"].user
        found = scope(user, Household.objects.filter(code=(code or "").strip())).first()
        if found is None:
            raise serializers.ValidationError({field: HOUSEHOLD_NOT_FOUND.format(value=code)})
        return found

    def _unit(self, code: str, level: str, field: str, on) -> AdministrativeUnit | None:
        if not code:
            return None
        unit = AdministrativeUnit.objects.filter(code=code.strip(), level=level).in_force(on).first() or \
            AdministrativeUnit.objects.filter(code=code.strip(), level=level).order_by("-valid_from").first()
        if unit is None:
            raise serializers.ValidationError({field: f"Không có đơn vị mã {code}."})
        return unit

    def validate(self, attrs):
        household = self._household(attrs["household"], "household")
        attrs["household"] = household
        kind, date = attrs["kind"], attrs["date"]
        if kind == EventKind.MERGE:
            attrs["other_household"] = self._household(attrs.get("other_household", ""), "other_household")
        attrs["to_commune"] = self._unit(attrs.get("to_commune", ""), Level.COMMUNE, "to_commune", date)
        attrs["to_village"] = self._unit(attrs.get("to_village", ""), Level.VILLAGE, "to_village", date)
        if kind == EventKind.SPLIT:
            current = {m.pk: m for m in Member.objects.filter(household=household)}
            ids = attrs.get("members") or []
            unknown = [i for i in ids if i not in current]
            if unknown:
                raise serializers.ValidationError({"members": f"Không phải nhân khẩu của hộ {household.code}: {', '.join(map(str, unknown))}."})
            attrs["members"] = [current[i] for i in ids]
            for key in ("head", "new_head"):
                if attrs.get(key) is not None:
                    if attrs[key] not in current:
                        raise serializers.ValidationError({key: f"Không phải nhân khẩu của hộ {household.code}."})
                    attrs[key] = current[attrs[key]]
        return attrs

    def create(self, validated):
        data = dict(validated)
        household, kind = data.pop("household"), data.pop("kind")
        return events.household_event_record(kind=kind, household=household, user=self.context["request"].user, **data)


class HouseholdEventFilter(django_filters.FilterSet):
    household = django_filters.CharFilter(field_name="household__code", help_text="Mã hộ.")
    kind = django_filters.ChoiceFilter(choices=EventKind.choices, help_text="Loại biến động.")
    year = year_filter(field_name="date__year", help_text="Năm của biến động.")
    commune = django_filters.CharFilter(field_name="commune__code", help_text="Mã xã nơi hộ ở khi có biến động.")

    class Meta:
        model = HouseholdEvent
        fields = ["household", "kind", "year", "commune"]


@extend_schema_view(
    list=extend_schema(summary="Biến động hộ (tách, nhập, chuyển đi, chuyển đến, không còn hộ)", tags=["Hộ gia đình"]),
    retrieve=extend_schema(summary="Một biến động hộ", tags=["Hộ gia đình"]),
    create=extend_schema(summary="Ghi một biến động hộ", tags=["Hộ gia đình"]),
)
class HouseholdEventViewSet(ScopedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                            viewsets.GenericViewSet):
    serializer_class = HouseholdEventSerializer
    filterset_class = HouseholdEventFilter
    permission_classes = [IsAuthenticatedWithRole, roles_only(*REGISTRY_READERS)]  # as the household pages
    queryset = HouseholdEvent.objects.select_related(
        "household", "other_household", "commune", "from_village", "to_commune", "to_village", "recorded_by"
    ).order_by("-date", "-id")

    def get_queryset(self):
        user = self.request.user
        if not (user.is_superuser or getattr(user, "role", None) in READERS):
            raise PermissionDenied("Vai trò của bạn không xem sổ hộ gia đình.")
        return super().get_queryset()

    def create(self, request, *args, **kwargs):
        if not request.user.can_edit_registry:
            raise PermissionDenied("Vai trò của bạn không được ghi biến động hộ.")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        event = serializer.save()
        return Response(self.get_serializer(event).data, status=status.HTTP_201_CREATED)

