from django.contrib import admin

from tutti.organisations.models import Organisation, Site


class SiteInline(admin.TabularInline):
    model = Site
    extra = 0
    fields = ["name", "town", "postcode", "is_active"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "ods_code", "is_partner"]
    list_filter = ["kind", "is_partner"]
    search_fields = ["name", "ods_code"]
    inlines = [SiteInline]


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "town", "postcode", "nation", "is_active"]
    list_filter = ["nation", "is_active"]
    search_fields = ["name", "town", "postcode"]
