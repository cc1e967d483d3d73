"""Delivery pages under /delivery/. Each area adds its own block of paths."""

from django.urls import path

from tutti.delivery.views import (
    attendance,
    calendar_feeds,
    diaries,
    episodes,
    groups,
    offers,
    partner,
    records,
    reminders,
    sessions,
)

app_name = "delivery"

urlpatterns = [
    # Offers (coordinators) and episodes of care
    path("offers/", offers.offer_list, name="offers"),
    path("offers/new/<str:reference>/", offers.offer_make, name="offer_make"),
    path("offers/<int:pk>/", offers.offer_detail, name="offer_detail"),
    path("offers/<int:pk>/accept/", offers.offer_accept, name="offer_accept"),
    path("offers/<int:pk>/decline/", offers.offer_decline, name="offer_decline"),
    path("offers/<int:pk>/withdraw/", offers.offer_withdraw, name="offer_withdraw"),
    path("offers/<int:pk>/no-answer/", offers.offer_expire, name="offer_expire"),
    path("offers/<int:pk>/link/", offers.offer_link, name="offer_link"),
    path("episodes/<int:pk>/", episodes.episode_detail, name="episode_detail"),
    path("episodes/<int:pk>/goals/", episodes.episode_goals, name="episode_goals"),
    path("episodes/<int:pk>/end/", episodes.episode_end, name="episode_end"),
    # Session reminders (coordinators)
    path("reminders/", reminders.reminder_list, name="reminders"),
    path("reminders/<int:pk>/retry/", reminders.reminder_retry_view, name="reminder_retry"),
    # Diaries, calendar feeds and the partner view
    path("diaries/", diaries.index, name="diaries"),
    path("diary/", diaries.my_week, name="diary"),
    path("diary/therapist/<int:pk>/", diaries.therapist_week, name="therapist_diary"),
    path("diary/calendar/", calendar_feeds.calendar_page, name="calendar"),
    path("calendar/<str:token>.ics", calendar_feeds.calendar_feed, name="calendar_feed"),
    path("sites/<int:pk>/day/", diaries.site_day, name="site_day"),
    path("programmes/<str:code>/", diaries.programme, name="programme"),
    path("partner/", partner.sessions, name="partner"),
    # Groups, closure dates, community events; sessions, moving and cancelling; blocks
    path("groups/", groups.group_list, name="groups"),
    path("groups/new/", groups.group_new, name="group_new"),
    path("groups/<int:pk>/", groups.group_detail, name="group"),
    path("groups/<int:pk>/edit/", groups.group_edit, name="group_edit"),
    path("groups/<int:pk>/generate/", groups.group_generate, name="group_generate"),
    path("groups/<int:pk>/members/new/", groups.member_add, name="group_member_add"),
    path(
        "groups/<int:pk>/members/<int:membership>/leave/",
        groups.member_leave,
        name="group_member_leave",
    ),
    path("closures/", groups.closure_list, name="closures"),
    path("closures/<int:pk>/", groups.closure_detail, name="closure"),
    path(
        "closures/<int:pk>/cancel-sessions/",
        groups.closure_cancel_sessions,
        name="closure_cancel_sessions",
    ),
    path("closures/<int:pk>/remove/", groups.closure_remove, name="closure_remove"),
    path("events/new/", groups.event_new, name="event_new"),
    path("sessions/<int:pk>/", sessions.session_detail, name="session"),
    path("sessions/<int:pk>/move/", sessions.session_move, name="session_move"),
    path("sessions/<int:pk>/cancel/", sessions.session_cancel, name="session_cancel"),
    path("sessions/<int:pk>/headcount/", sessions.session_headcount, name="session_headcount"),
    path("episodes/<int:pk>/book/", sessions.episode_book, name="episode_book"),
    # Attendance registers and reviews of missed sessions
    path("sessions/<int:pk>/attendance/", attendance.register, name="attendance"),
    path("reviews/", attendance.review_list, name="reviews"),
    path("reviews/<int:pk>/", attendance.review_detail, name="review"),
    # Session records, their versions, and trainees' sign-off
    path("sessions/<int:pk>/record/", records.session_record, name="session_record"),
    path(
        "sessions/<int:pk>/record/history/",
        records.session_record_history,
        name="session_record_history",
    ),
    path(
        "sessions/<int:pk>/record/sign-off/",
        records.session_record_sign_off_view,
        name="session_record_sign_off",
    ),
    path(
        "sessions/<int:pk>/record/return/",
        records.session_record_return_view,
        name="session_record_return",
    ),
    path("sign-off/", records.sign_off_queue, name="sign_off_queue"),
    path("sessions/to-write-up/", records.to_write_up, name="to_write_up"),
]
