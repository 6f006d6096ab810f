from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import AdministrativeUnit, EthnicGroup, Household, Member, RegionStatus


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
