"""Geography in the back office: read-only, since every table is replaced by each import."""

from django.contrib import admin

from tutti.core.postcodes import compact

from .models import Area, GPPractice, ImportRun, LocalAuthority, Postcode


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "status", "seconds", "directory", "parts", "counts"]
    list_filter = ["status"]


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "region_name", "nation", "is_current", "current_code"]
    list_filter = ["nation", "is_current"]
    search_fields = ["code", "name"]


@admin.register(Area)
class AreaAdmin(ReadOnlyAdmin):
    list_display = [
        "code",
        "name",
        "kind",
        "local_authority_id",
        "imd_index",
        "imd_decile",
        "rural_urban_code",
        "rural_urban_basis",
    ]
    list_filter = ["kind", "imd_index", "imd_decile", "rural_urban_code", "rural_urban_basis"]
    search_fields = ["code", "name"]
    show_full_result_count = False


@admin.register(Postcode)
class PostcodeAdmin(ReadOnlyAdmin):
    list_display = ["postcode", "lsoa21_id", "lsoa11_id", "local_authority_id", "lat", "long"]
    search_fields = ["postcode"]  # shows the search box; the search itself is below
    search_help_text = "A full postcode, e.g. NW1 2DB (exact match: 2.7 million rows)."
    show_full_result_count = False

    def get_search_results(self, request, queryset, search_term):
        term = compact(search_term)
        if not term:
            return queryset, False
        return queryset.filter(pk=f"{term[:-3]} {term[-3:]}"), False


@admin.register(GPPractice)
class GPPracticeAdmin(ReadOnlyAdmin):
    list_display = ["ods_code", "name", "postcode", "status", "prescribing_setting"]
    list_filter = ["status", "prescribing_setting"]
    search_fields = ["ods_code", "name", "postcode"]
