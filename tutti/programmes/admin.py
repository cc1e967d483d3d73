from django.contrib import admin

from tutti.programmes.models import Programme


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "delivery_mode",
        "setting",
        "block_sessions",
        "open_to_referrals",
    ]
    list_filter = ["delivery_mode", "setting", "open_to_referrals"]
    search_fields = ["code", "name"]
    filter_horizontal = ["sites"]
