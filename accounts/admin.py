from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "full_name", "role", "unit", "agency", "is_active", "last_login")
    list_filter = ("role", "is_active", "agency")
    search_fields = ("username", "full_name", "email", "unit__name")
    autocomplete_fields = ("unit", "agency")
    fieldsets = BaseUserAdmin.fieldsets + (("Vai trò và phạm vi", {"fields": ("role", "full_name", "unit", "agency", "phone")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + (("Vai trò và phạm vi", {"fields": ("role", "full_name", "unit", "agency")}),)
