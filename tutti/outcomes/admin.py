"""Back office: administrators enter licensed wording and may update reliable-change figures.
The scoring rules themselves come from the library files and are shown, not edited."""

import json

from django.contrib import admin
from django.utils.html import format_html

from tutti.core.admin_audit import AuditedModelAdmin
from tutti.outcomes.models import Measure, MeasureItem, Response


class MeasureItemInline(admin.TabularInline):
    model = MeasureItem
    fields = ["number", "wording", "easy_read_wording"]
    readonly_fields = ["number"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # the items are the library's; only their wording is entered here


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ["short_name", "code", "kind", "wording_licensed", "wording_status", "is_active"]
    list_filter = ["kind", "wording_licensed", "is_active"]
    inlines = [MeasureItemInline]
    readonly_fields = [
        "code",
        "name",
        "short_name",
        "kind",
        "respondent",
        "summary",
        "licence_note",
        "source",
        "scoring_rules",
    ]
    fieldsets = [
        (None, {"fields": ["code", "name", "short_name", "kind", "respondent", "summary"]}),
        ("Licence", {"fields": ["licence_note", "wording_licensed"]}),
        (
            "Wording (enter licensed text exactly as in your licensed copy)",
            {"fields": ["instructions", "option_labels"]},
        ),
        (
            "Reliable change (Jacobson & Truax)",
            {"fields": ["change_sd", "change_reliability", "change_source"]},
        ),
        ("Scoring (from the measure library)", {"fields": ["source", "scoring_rules"]}),
        (None, {"fields": ["position", "is_active"]}),
    ]

    def has_add_permission(self, request):
        return False  # measures come from the library (data/measures/*.json)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        # Whether wording is licensed is the library's to say, not the back office's.
        return [*self.readonly_fields, "wording_licensed"]

    @admin.display(description="Licence note")
    def licence_note(self, obj):
        return obj.licence

    @admin.display(description="Wording")
    def wording_status(self, obj):
        return "Entered" if obj.wording_entered else "Not entered"

    @admin.display(description="Scoring rules")
    def scoring_rules(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(obj.definition, indent=2))


@admin.register(Response)
class ResponseAdmin(AuditedModelAdmin):
    person_field = "person_id"
    list_display = ["pk", "measure", "occasion", "status", "due_on", "completed_at"]
    list_filter = ["measure", "status", "occasion", "channel"]
    raw_id_fields = ["person", "referral", "organisation"]
    readonly_fields = [
        "answers",
        "score",
        "raw_score",
        "metric_score",
        "risk_flagged",
        "risk_reviewed_at",
        "risk_reviewed_by",
        "planned_by",
        "entered_by",
        "created_at",
        "started_at",
        "completed_at",
    ]

    def has_add_permission(self, request):
        return False  # responses are planned and entered in the service, which scores them
