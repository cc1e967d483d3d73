from django.contrib import admin

from tutti.core.admin_audit import AuditedModelAdmin
from tutti.referrals.models import Referral, ReferralEvent


class ReferralEventInline(admin.TabularInline):
    model = ReferralEvent
    extra = 0
    can_delete = False
    readonly_fields = ["status", "at", "actor", "reason", "signposted_to"]

    def has_add_permission(self, request, obj=None):
        return False  # status changes go through the referral services, never by hand


@admin.register(Referral)
class ReferralAdmin(AuditedModelAdmin):
    person_field = "person_id"
    list_display = ["reference", "programme", "route", "status", "received_at"]
    list_filter = ["status", "route", "programme"]
    search_fields = ["reference"]
    readonly_fields = ["reference", "status", "status_changed_at", "waiting_since"]
    raw_id_fields = ["person", "referred_by", "therapist"]
    inlines = [ReferralEventInline]
