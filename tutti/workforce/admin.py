from django.contrib import admin

from tutti.workforce.models import Therapist


@admin.register(Therapist)
class TherapistAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "hcpc_number",
        "registration_expires",
        "is_trainee",
        "weekly_capacity",
    ]
    list_filter = ["is_trainee", "sites"]
    search_fields = ["user__full_name", "hcpc_number"]
    filter_horizontal = ["sites"]
    raw_id_fields = ["user", "supervisor"]
