from django.contrib import admin

from tutti.workforce.models import (
    Attendance,
    Cohort,
    CohortSession,
    Course,
    Participant,
    RegistrationWarning,
    Therapist,
    WeeklyAvailability,
)


class WeeklyAvailabilityInline(admin.TabularInline):
    model = WeeklyAvailability
    extra = 0


@admin.register(Therapist)
class TherapistAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "hcpc_number",
        "registration_expires",
        "dbs_checked_on",
        "is_trainee",
        "weekly_capacity",
    ]
    list_filter = ["is_trainee", "sites"]
    search_fields = ["user__full_name", "hcpc_number"]
    filter_horizontal = ["sites"]
    raw_id_fields = ["user", "supervisor"]
    inlines = [WeeklyAvailabilityInline]


@admin.register(RegistrationWarning)
class RegistrationWarningAdmin(admin.ModelAdmin):
    list_display = ["therapist", "registration_expires", "stage", "created_at", "sent_at"]
    list_filter = ["stage"]
    readonly_fields = ["therapist", "registration_expires", "stage", "created_at", "sent_at"]
    filter_horizontal = ["recipients"]


# Supervision records and placement logs are not in the back office: only clinical leads
# and the therapists themselves see them (workforce pages).


class CohortSessionInline(admin.TabularInline):
    model = CohortSession
    extra = 0


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["title", "is_published"]


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["__str__", "capacity", "signup_open", "is_online", "venue"]
    list_filter = ["signup_open", "is_online"]
    inlines = [CohortSessionInline]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    """Read-only here: places and the waiting list change through the course pages, so a
    freed place always goes to the next person waiting."""

    list_display = ["name", "cohort", "role", "status", "signed_up_at"]
    list_filter = ["status", "role"]
    readonly_fields = [
        f.name for f in Participant._meta.fields if f.name not in ("id", "cancel_key")
    ]

    def has_add_permission(self, request):
        return False


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["participant", "session", "attended"]
    raw_id_fields = ["participant", "session", "recorded_by"]
