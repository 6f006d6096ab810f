"""Admin for every reporting model: kinds and deadlines (editable data), obligations and submissions with their
history, notifications, generated reports (read-only: a final report is immutable) and the download log."""
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Attachment,
    DownloadLog,
    GeneratedReport,
    Notification,
    Obligation,
    ReportingDeadline,
    ReportKind,
    Submission,
    Variant,
)


@admin.register(ReportKind)
class ReportKindAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "recurrence", "due_month", "due_day", "due_date", "first_year", "last_year", "active", "order")
    list_filter = ("recurrence", "active")
    search_fields = ("code", "name")


@admin.register(ReportingDeadline)
class ReportingDeadlineAdmin(admin.ModelAdmin):
    list_display = ("kind", "year", "first_year", "last_year", "due_date")
    list_filter = ("kind", "year")
    date_hierarchy = "due_date"


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ("name", "size", "content_type", "sha256", "uploaded_by", "uploaded_at")
    readonly_fields = fields
    can_delete = False


@admin.register(Obligation)
class ObligationAdmin(SimpleHistoryAdmin):
    list_display = ("deadline", "commune", "agency", "state", "on_time", "submitted_at")
    list_filter = ("deadline__kind", "deadline__year", "state", "on_time")
    search_fields = ("commune__name", "commune__code", "agency__name", "agency__code")
    list_select_related = ("deadline__kind", "commune", "agency")
    raw_id_fields = ("commune", "agency", "moved_from", "submitted_by", "decided_by")
    readonly_fields = ("first_submitted_at", "updated_at")


@admin.register(Submission)
class SubmissionAdmin(SimpleHistoryAdmin):
    list_display = ("obligation", "updated_at", "version")
    list_filter = ("obligation__deadline__kind", "obligation__deadline__year")
    search_fields = ("obligation__commune__name", "obligation__agency__name", "narrative")
    list_select_related = ("obligation__deadline__kind", "obligation__commune", "obligation__agency")
    readonly_fields = ("figures", "figures_at", "created_at", "updated_at", "version")
    raw_id_fields = ("obligation", "created_by")
    inlines = [AttachmentInline]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "title", "created_at", "read_at", "emailed_at")
    list_filter = ("kind", ("read_at", admin.EmptyFieldListFilter))
    search_fields = ("user__username", "title", "key")
    raw_id_fields = ("user", "obligation")


@admin.register(GeneratedReport)
class GeneratedReportAdmin(admin.ModelAdmin):
    list_display = ("kind", "year", "unit", "variant", "edition", "version", "state", "progress", "generated_at", "checksum")
    list_filter = ("kind", "year", "variant", "edition", "state", "trigger")
    search_fields = ("unit__name", "unit__code", "checksum")
    list_select_related = ("kind", "unit")
    readonly_fields = [f.name for f in GeneratedReport._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False  # reports are requested from the download centre or the API, and made by the worker

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        # A final report is immutable and stays; a failed or draft one may be cleaned up.
        return obj is None or obj.variant != Variant.FINAL or obj.state == "failed"


@admin.register(DownloadLog)
class DownloadLogAdmin(admin.ModelAdmin):
    list_display = ("at", "user", "report", "attachment", "ip", "via_api")
    list_filter = ("via_api",)
    search_fields = ("user__username", "ip", "checksum")
    readonly_fields = [f.name for f in DownloadLog._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
