from django.contrib import admin

from .models import Agency


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "short_name", "kind", "plan_item", "active")
    ordering = ("plan_item",)
    list_filter = ("kind", "active")
    search_fields = ("code", "name", "short_name")
