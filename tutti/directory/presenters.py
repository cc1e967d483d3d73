"""Plain words for the directory pages: who a programme is for, where and when it meets.

The eligibility wording follows tutti/programmes/eligibility.py ("for ages 16–24", "for
people who live in Camden or have a GP there"), so the directory and the answer a referral
gets say the same thing.
"""

from datetime import datetime, timedelta

from tutti.core.vocab import Circumstance, Need
from tutti.programmes.models import Programme

WEEKDAYS = ["Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays"]
KM_PER_MILE = 1.609344

_MODE = {
    Programme.DeliveryMode.INDIVIDUAL: "One-to-one music therapy",
    Programme.DeliveryMode.GROUP: "Group music therapy",
    Programme.DeliveryMode.COMMUNITY: "Community music: a choir, band or performance group",
}
_SETTING = {
    Programme.Setting.CENTRE: "at a music therapy centre",
    Programme.Setting.SCHOOL: "at school",
    Programme.Setting.CARE_HOME: "in a care home",
    Programme.Setting.HOSPITAL: "in hospital",
    Programme.Setting.HOSPICE: "in a hospice",
    Programme.Setting.COMMUNITY: "at a community venue",
    Programme.Setting.REMOTE: "online, by video call",
}


def what_it_is(programme):
    mode = _MODE.get(programme.delivery_mode, programme.get_delivery_mode_display())
    return f"{mode}, {_SETTING.get(programme.setting, programme.get_setting_display().lower())}"


def noun(programme):
    return "group" if programme.delivery_mode == Programme.DeliveryMode.GROUP else "programme"


def age_range(programme):
    low, high = programme.min_age, programme.max_age
    if low is not None and high is not None:
        return f"{low}–{high}"
    if low is not None:
        return f"{low} and over"
    if high is not None:
        return f"up to {high}"
    return None


def ages(programme):
    ages_ = age_range(programme)
    return f"Ages {ages_}" if ages_ else "Any age"


def area(listing):
    """Where people must live, in the words eligibility uses."""
    programme = listing.programme
    names = [listing.area_names.get(code, code) for code in programme.local_authorities]
    where = _join(names) or _join(programme.postcode_districts)
    gp = " or have a GP there" if programme.gp_practices else ""
    if where:
        return f"People who live in {where}{gp}"
    if programme.gp_practices:
        return "People whose GP practice is one the service works with"
    if programme.setting == Programme.Setting.REMOTE:
        return "People anywhere, online"
    return "People wherever they live"


def labels(codes, choices):
    names = dict(choices.choices)
    return [names[code] for code in codes if code in names]


def who_for(listing):
    """Age and place rules, as short plain sentences."""
    return [ages(listing.programme), area(listing)]


def people_with(programme):
    """The circumstances a programme is for ("Autism", "Dementia"), in the form's words."""
    return labels(programme.circumstances, Circumstance)


def eligibility_text(listing):
    """Everything about who it is for, in one paragraph (for the Open Referral UK feed)."""
    rows = [row[0].lower() + row[1:] for row in who_for(listing)]
    circumstances = [c.lower() for c in people_with(listing.programme)]
    if circumstances:
        rows.append("people with any of: " + ", ".join(circumstances))
    return "Who it is for: " + "; ".join(rows) + "."


def helps_with(programme):
    return labels(programme.needs, Need)


def _join(words):
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " or " + words[-1]


def area_note(listing, postcode):
    """Whether the searched postcode is in the programme's area, as eligibility would say."""
    if listing.serves_area is None or not listing.area_rule:
        return None
    if listing.serves_area:
        return None
    names = [listing.area_names.get(c, c) for c in listing.programme.local_authorities]
    where = _join(names) or _join(listing.programme.postcode_districts)
    gp = ", unless their GP is there" if listing.programme.gp_practices else ""
    return f"Only for people who live in {where}{gp}: {postcode} is not in this area"


def distance(km):
    if km is None:
        return None
    miles = km / KM_PER_MILE
    if miles < 0.1:
        return "Less than 0.1 miles away"
    shown = f"{miles:.1f}" if miles < 10 else f"{miles:.0f}"
    return f"{shown} {'mile' if shown == '1.0' else 'miles'} away"


def clock(time_of_day):
    """6pm, 6:30pm, 12pm."""
    hour = time_of_day.hour % 12 or 12
    suffix = "am" if time_of_day.hour < 12 else "pm"
    minutes = f":{time_of_day.minute:02d}" if time_of_day.minute else ""
    return f"{hour}{minutes}{suffix}"


def group_end(group):
    end = datetime.combine(group.starts_on, group.start_time) + timedelta(minutes=group.minutes)
    return end.time()


def group_slot(group):
    """'Tuesdays, 6pm to 7:30pm, at Agar Grove Community Centre'."""
    return (
        f"{WEEKDAYS[group.weekday]}, {clock(group.start_time)} to {clock(group_end(group))}, "
        f"at {group.site.name}"
    )


def group_dates(group, today):
    last = group.starts_on + timedelta(weeks=group.planned_sessions - 1)
    sessions = f"{group.planned_sessions} weekly sessions"
    if group.starts_on > today:
        return f"Starts {group.starts_on:%-d %B %Y}: {sessions}"
    return f"Started {group.starts_on:%-d %B %Y}: {sessions}, until {last:%-d %B %Y}"


def programme_schedule(programme):
    """How often it meets, when no group's day and time is known."""
    sessions = f"{programme.block_sessions} weekly sessions of {programme.session_minutes} minutes"
    if programme.delivery_mode == Programme.DeliveryMode.INDIVIDUAL:
        return f"{sessions}. We agree the day and time with you."
    return f"{sessions}. We tell you the day and time when we offer you a place."


def address_lines(site):
    return [
        line
        for line in (site.address_line_1, site.address_line_2, site.town, site.postcode)
        if line
    ]
