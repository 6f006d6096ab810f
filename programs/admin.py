from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Agency, Duty, FundAllocation, FundProgram, Plan, PlanDocument, ReportingRequirement, SolutionGroup, SupportPolicy,
    SupportRecord, Target, TaskAssignment, TaskUpdate,
)


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "short_name", "kind", "plan_item", "active")
    ordering = ("plan_item",)
    list_filter = ("kind", "active")
    search_fields = ("code", "name", "short_name")


class PlanDocumentInline(admin.TabularInline):
    model = PlanDocument
    extra = 0


class SolutionGroupInline(admin.StackedInline):
    model = SolutionGroup
    extra = 0


class ReportingInline(admin.TabularInline):
    model = ReportingRequirement
    extra = 0


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ("code", "number", "issuer", "issued_on_text", "period_start", "period_end", "horizon", "confirmed")
    search_fields = ("code", "number", "title")
    inlines = [PlanDocumentInline, SolutionGroupInline, ReportingInline]


@admin.register(SolutionGroup)
class SolutionGroupAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "plan")
    list_filter = ("plan",)
    search_fields = ("title", "content")


@admin.register(Target)
class TargetAdmin(SimpleHistoryAdmin):
    list_display = ("code", "title", "metric", "unit", "baseline_year", "end_year", "value", "comparison", "parent")
    list_filter = ("metric", "end_year", "plan")
    search_fields = ("code", "title", "unit__name")
    raw_id_fields = ("unit", "parent")


@admin.register(Duty)
class DutyAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "agency", "solution_group", "recurrence", "due_month", "due_day", "due_date", "active")
    list_filter = ("agency", "solution_group", "recurrence", "active")
    search_fields = ("code", "title", "text")
    filter_horizontal = ("cooperating",)


class TaskUpdateInline(admin.TabularInline):
    model = TaskUpdate
    extra = 0
    readonly_fields = ("created_at", "created_by")


@admin.register(TaskAssignment)
class TaskAssignmentAdmin(admin.ModelAdmin):
    list_display = ("title", "agency", "commune", "year", "due_date", "status", "progress", "last_update_at")
    list_filter = ("year", "status", "agency")
    search_fields = ("title", "duty__code", "commune__name")
    raw_id_fields = ("commune",)
    inlines = [TaskUpdateInline]


@admin.register(TaskUpdate)
class TaskUpdateAdmin(admin.ModelAdmin):
    list_display = ("task", "status", "progress", "created_by", "created_at")
    list_filter = ("status", "task__agency", "task__year")
    search_fields = ("narrative", "task__title")
    raw_id_fields = ("task",)


@admin.register(SupportPolicy)
class SupportPolicyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "agency", "default_source", "typical_amount", "active", "confirmed")
    list_filter = ("kind", "agency", "active", "confirmed")
    search_fields = ("code", "name", "legal_basis")
    filter_horizontal = ("needs",)


@admin.register(SupportRecord)
class SupportRecordAdmin(SimpleHistoryAdmin):
    list_display = ("date", "household", "policy", "amount", "funding_source", "commune", "recorded_by")
    list_filter = ("funding_source", "policy__kind", "policy__agency", "date")
    search_fields = ("household__code", "household__head_name", "policy__name")
    raw_id_fields = ("household", "commune")
    date_hierarchy = "date"


@admin.register(FundProgram)
class FundProgramAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "order", "active")
    search_fields = ("code", "name")


@admin.register(FundAllocation)
class FundAllocationAdmin(SimpleHistoryAdmin):
    list_display = ("year", "program", "source", "commune", "allocated", "disbursed", "updated_by", "updated_at")
    list_filter = ("year", "program", "source")
    search_fields = ("program__name", "commune__name", "note")
    raw_id_fields = ("commune",)
