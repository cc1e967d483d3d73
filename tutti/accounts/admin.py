from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from tutti.accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "email", "full_name", "organisation", "is_active"]
    list_filter = ["groups", "is_active", "organisation"]
    search_fields = ["username", "email", "full_name"]
    fieldsets = BaseUserAdmin.fieldsets + (
        ("Tutti", {"fields": ["full_name", "job_title", "organisation"]}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        ("Tutti", {"fields": ["email", "full_name", "organisation", "groups"]}),
    )
