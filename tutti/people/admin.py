from django.contrib import admin

from tutti.core.admin_audit import AuditedModelAdmin
from tutti.people.models import Contact, Person


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


@admin.register(Person)
class PersonAdmin(AuditedModelAdmin):
    list_display = ["family_name", "given_name", "date_of_birth", "postcode"]
    # No search box: a name typed into it would sit in the URL and the server logs.
    list_filter = ["gender"]
    inlines = [ContactInline]
