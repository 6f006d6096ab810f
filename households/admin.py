from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    AdministrativeUnit,
    AnnualReview,
    CheckFlag,
    Complaint,
    EthnicGroup,
    Household,
    HouseholdEvent,
    HouseholdPlacement,
    HouseholdYear,
    Indicator,
    Job,
    Member,
    PovertyCause,
    PovertyStandard,
    PublicPosting,
    RegionStatus,
    ReviewApplication,
    ReviewEvent,
    ReviewRound,
    ReviewSettings,
    SupportNeed,
    UnitMerger,
    VillageMeeting,
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
    fields = ("full_name", "relation", "sex", "birth_date", "citizen_id", "ethnic_group", "joined_on", "joined_reason", "left_on", "left_reason")
    autocomplete_fields = ("ethnic_group",)

    def get_queryset(self, request):
        return Member.all_objects.all()  # members who left stay visible, with their dates


@admin.register(Household)
class HouseholdAdmin(SimpleHistoryAdmin):
    list_display = ("code", "head_name", "commune", "village", "status", "updated_at")
    list_filter = ("status", "commune")
    search_fields = ("code", "head_name", "search_key", "members__citizen_id")
    autocomplete_fields = ("commune", "village")
    readonly_fields = ("version", "created_at", "updated_at", "resident_since", "ended_on")
    list_select_related = ("commune", "village")
    inlines = [MemberInline]


@admin.register(Member)
class MemberAdmin(SimpleHistoryAdmin):
    list_display = ("full_name", "household", "relation", "sex", "birth_date", "ethnic_group")
    list_filter = ("sex", "relation", "ethnic_group")
    search_fields = ("full_name", "search_key", "citizen_id", "household__code")
    autocomplete_fields = ("household", "ethnic_group")
    list_select_related = ("household", "ethnic_group")

    def get_queryset(self, request):
        return Member.all_objects.select_related("household", "ethnic_group")


@admin.register(HouseholdEvent)
class HouseholdEventAdmin(SimpleHistoryAdmin):
    """Recorded through the household page or the API (households.events), which keep places, members and figures
    in step; read here."""

    list_display = ("date", "kind", "household", "other_household", "commune", "recorded_by")
    list_filter = ("kind", "commune")
    search_fields = ("household__code", "other_household__code", "reason")
    list_select_related = ("household", "other_household", "commune", "recorded_by")
    date_hierarchy = "date"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(HouseholdYear)
class HouseholdYearAdmin(admin.ModelAdmin):
    """Derived rows (households.household_years): read only; `manage.py rebuild_statistics` rebuilds them."""

    list_display = ("household", "year", "commune", "persons", "status_o", "change_o", "status_w", "reviewed")
    list_filter = ("year", "status_o", "change_o")
    search_fields = ("household__code",)
    list_select_related = ("household", "commune")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ("order", "code", "key", "dimension", "dimension_name", "name", "condition")


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


class ReviewEventInline(admin.TabularInline):
    model = ReviewEvent
    extra = 0
    can_delete = False
    fields = ("at", "action", "from_state", "to_state", "by", "note")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AnnualReview)
class AnnualReviewAdmin(SimpleHistoryAdmin):
    """Reviews are read here; they are written through the review pages and the API (services compute the
    classification, the workflow and the locking), so the admin cannot type a classification or a state."""

    list_display = ("household", "year", "commune", "classification", "change", "deprivation_count", "state", "updated_at")
    list_filter = ("year", "state", "classification", "change", "kind", "commune")
    search_fields = ("household__code", "household__head_name")
    autocomplete_fields = ("household", "commune", "village")
    readonly_fields = (
        "household", "year", "kind", "review_date", "standard", "commune", "village", "area", "ethnic_minority", "member_count",
        "income_total_12m", "income_per_capita_month", "facts", "indicators", "deprivation_mask", "deprivation_count",
        "classification", "previous_classification", "change", "reasons", "state", "round", "meeting", "posting",
        "decision_number", "decision_date", "created_by", "updated_by", "version",
    )
    list_select_related = ("household", "commune")
    filter_horizontal = ("causes", "needs")
    inlines = [ReviewEventInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # reviews are never hard-deleted


@admin.register(ReviewSettings)
class ReviewSettingsAdmin(admin.ModelAdmin):
    list_display = ("__str__", "posting_working_days", "rotation_years", "rotation_min_times", "income_jump_share",
                    "reduction_target_points", "reduction_excess_points", "updated_at")

    def has_add_permission(self, request) -> bool:
        return not ReviewSettings.objects.exists()


class MeetingInline(admin.TabularInline):
    model = VillageMeeting
    extra = 0
    fields = ("village", "held_on", "attendance", "agreeing", "outcome", "review_count", "recorded_by")
    readonly_fields = fields


class PostingInline(admin.TabularInline):
    model = PublicPosting
    extra = 0
    fields = ("village", "posted_from", "posted_until", "place", "review_count", "recorded_by")
    readonly_fields = fields


@admin.register(ReviewRound)
class ReviewRoundAdmin(admin.ModelAdmin):
    list_display = ("commune", "year", "decision_number", "decision_date", "recognised_by", "confirmed_at", "confirmed_by")
    list_filter = ("year",)
    search_fields = ("commune__name", "commune__code", "decision_number")
    list_select_related = ("commune", "recognised_by", "confirmed_by")
    readonly_fields = ("commune", "year", "recognised_by", "recognised_at", "confirmed_by", "confirmed_at", "created_at", "updated_at")
    inlines = [MeetingInline, PostingInline]


@admin.register(VillageMeeting)
class VillageMeetingAdmin(admin.ModelAdmin):
    list_display = ("village", "round", "held_on", "attendance", "agreeing", "outcome", "review_count")
    list_filter = ("outcome", "round__year")
    search_fields = ("village__name", "round__commune__name")
    list_select_related = ("village", "round__commune")
    readonly_fields = ("outcome", "review_count", "recorded_by", "recorded_at")


@admin.register(PublicPosting)
class PublicPostingAdmin(admin.ModelAdmin):
    list_display = ("village", "round", "posted_from", "posted_until", "review_count")
    list_filter = ("round__year",)
    search_fields = ("village__name", "round__commune__name")
    list_select_related = ("village", "round__commune")


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = ("review", "received_on", "complainant", "status", "resolved_by", "resolved_at")
    list_filter = ("status", "round__year")
    search_fields = ("complainant", "content", "review__household__code")
    list_select_related = ("review__household", "resolved_by")
    raw_id_fields = ("review", "round")


@admin.register(ReviewApplication)
class ReviewApplicationAdmin(SimpleHistoryAdmin):
    list_display = ("household", "request", "received_on", "handle_from", "decide_by", "status", "decided_on")
    list_filter = ("status", "request", "year", "commune")
    search_fields = ("household__code", "household__head_name", "applicant")
    list_select_related = ("household", "commune")
    raw_id_fields = ("household", "review")


@admin.register(CheckFlag)
class CheckFlagAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "year", "commune", "status", "present", "resolved_by", "last_seen_at")
    list_filter = ("kind", "status", "present", "year")
    search_fields = ("title", "detail", "key", "household__code")
    list_select_related = ("commune", "resolved_by")
    raw_id_fields = ("household",)
    readonly_fields = ("key", "refs", "first_seen_at", "last_seen_at")


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
