from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    AdministrativeUnit,
    AnnualReview,
    EthnicGroup,
    Household,
    HouseholdPlacement,
    Indicator,
    Job,
    Member,
    PovertyCause,
    PovertyStandard,
    RegionStatus,
    SupportNeed,
    UnitMerger,
)


class RegionInline(admin.TabularInline):
    model = RegionStatus
    extra = 0


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent", "area", "extremely_difficult", "valid_from", "valid_to", "confirmed")
    list_filter = ("level", "area", "extremely_difficult", "confirmed", ("valid_to", admin.EmptyFieldListFilter))
    search_fields = ("code", "name", "short_name")
    filter_horizontal = ("successors",)
    autocomplete_fields = ("parent",)
    inlines = [RegionInline]
    list_select_related = ("parent",)


@admin.register(EthnicGroup)
class EthnicGroupAdmin(admin.ModelAdmin):
    list_display = ("code", "code_2008", "name", "other_names", "minority")
    list_filter = ("minority",)
    search_fields = ("code", "name", "other_names")


class MemberInline(admin.TabularInline):
    model = Member
    extra = 0
    fields = ("full_name", "relation", "sex", "birth_date", "citizen_id", "ethnic_group")
    autocomplete_fields = ("ethnic_group",)


@admin.register(Household)
class HouseholdAdmin(SimpleHistoryAdmin):
    list_display = ("code", "head_name", "commune", "village", "status", "updated_at")
    list_filter = ("status", "commune")
    search_fields = ("code", "head_name", "search_key", "members__citizen_id")
    autocomplete_fields = ("commune", "village")
    readonly_fields = ("version", "created_at", "updated_at")
    list_select_related = ("commune", "village")
    inlines = [MemberInline]


@admin.register(Member)
class MemberAdmin(SimpleHistoryAdmin):
    list_display = ("full_name", "household", "relation", "sex", "birth_date", "ethnic_group")
    list_filter = ("sex", "relation", "ethnic_group")
    search_fields = ("full_name", "search_key", "citizen_id", "household__code")
    autocomplete_fields = ("household", "ethnic_group")
    list_select_related = ("household", "ethnic_group")


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ("order", "code", "dimension", "dimension_name", "name", "condition")


@admin.register(PovertyStandard)
class PovertyStandardAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "first_year", "last_year", "rural_poor_line", "urban_poor_line", "confirmed")
    search_fields = ("code", "name", "legal_basis")
    inlines = [IndicatorInline]


@admin.register(PovertyCause, SupportNeed)
class ReviewListAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "order", "active")
    list_filter = ("active",)
    list_editable = ("order", "active")
    search_fields = ("code", "name")


@admin.register(AnnualReview)
class AnnualReviewAdmin(SimpleHistoryAdmin):
    list_display = ("household", "year", "commune", "classification", "change", "deprivation_count", "state", "updated_at")
    list_filter = ("year", "state", "classification", "change", "kind", "commune")
    search_fields = ("household__code", "household__head_name")
    autocomplete_fields = ("household", "commune", "village")
    readonly_fields = ("classification", "change", "deprivation_count", "deprivation_mask", "previous_classification", "reasons", "version")
    list_select_related = ("household", "commune")
    filter_horizontal = ("causes", "needs")


@admin.register(HouseholdPlacement)
class HouseholdPlacementAdmin(admin.ModelAdmin):
    list_display = ("household", "commune", "village", "valid_from", "valid_to", "reason")
    search_fields = ("household__code", "household__head_name")
    list_filter = ("commune",)
    autocomplete_fields = ("household", "commune", "village")
    list_select_related = ("household", "commune", "village")


@admin.register(UnitMerger)
class UnitMergerAdmin(admin.ModelAdmin):
    list_display = ("target", "effective_date", "performed_by", "performed_at")
    readonly_fields = ("performed_at", "summary")
    filter_horizontal = ("sources",)
    autocomplete_fields = ("target",)


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "status", "progress", "created_by", "commune", "created_at", "finished_at")
    list_filter = ("kind", "status")
    readonly_fields = ("created_at", "started_at", "finished_at")
    search_fields = ("kind", "message", "error")
