"""Partner staff: the sessions held at their own organisation's sites, a week at a time.

Dates, times, groups, kinds and attendance counts; the therapist running each session. A
person's name only when the partner's own organisation referred them (selectors.
partner_episodes); never notes, and never why a session was cancelled (a reason is free text
and can name someone).
"""

from django.utils import timezone

from tutti.accounts.decorators import role_required
from tutti.accounts.roles import Role
from tutti.delivery import diaries
from tutti.delivery.selectors import partner_episodes, partner_sessions
from tutti.delivery.views.diaries import render_diary

NOT_OURS = "Not one of your organisation's referrals"


@role_required(Role.PARTNER)
def sessions(request):
    user = request.user
    today = timezone.localdate()
    week, problem = diaries.Week.parse(request.GET.get("week", ""), today=today)
    found = diaries.load(
        diaries.sessions_between(partner_sessions(user), week.starts_at, week.ends_at)
    )
    may_name = diaries.episodes_named(partner_episodes(user), found)
    rows = diaries.entries(found, may_name=may_name, hidden_individual=NOT_OURS)
    for row in rows:
        row.url = None  # the session's own page is for the clinical team
    diaries.record_names_shown(request, rows)
    return render_diary(
        request,
        "partner/page.jinja",
        {
            "organisation": user.organisation,
            "week": week,
            "today": today,
            "problem": problem,
            "rows": rows,
            "attended": sum(row.session.attended_count for row in rows),
            "booked": sum(row.session.booked_count for row in rows if not row.cancelled),
        },
    )
