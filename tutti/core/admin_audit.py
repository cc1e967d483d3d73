"""Back-office pages that show personal records write an access event, like every other page."""

from django.contrib import admin

from tutti.core.audit import access_record


class AuditedModelAdmin(admin.ModelAdmin):
    person_field = None  # the attribute holding the person's id, for the person's trail

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None and request.method == "GET":
            person_id = getattr(obj, self.person_field) if self.person_field else obj.pk
            access_record(request=request, obj=obj, person_id=person_id)
        return super().change_view(request, object_id, form_url, extra_context)
