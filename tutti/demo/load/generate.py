"""Generated load: a large, realistic-looking service for benchmarks (`manage.py generate_load`).

What it makes, for N people over Y years up to today (the proportions are a music therapy
charity's, guessed from published annual reports, not measured):

* the service's own centres (England, Wales, Scotland) and partner organisations (schools,
  care homes, hospitals, hospices, community venues; about one per 2,000 people, 20 to 400),
  one site each, in England (85%), Wales, Scotland and Northern Ireland;
* 11 programmes (individual, group and community), each with a funder;
* people living in real LSOAs of about 40 local authorities when the geography is imported
  (else made-up areas), drawn towards the most deprived (decile 1 about 3 times decile 10);
  ages from babies to 95; NHS sex and ethnicity codes;
* 1 to 3 referrals each, received evenly over the years, by the routes each programme's
  people usually come by, with a status history (received, waiting, offered, active,
  completed; some declined, signposted, withdrawn, still waiting): waits to a first offer
  are log-normal, median about 7 weeks;
* episodes of weekly individual sessions (blocks of 12, 30 in schools) or places in groups of
  4 to 8 that meet 12 times; community events (choirs, bands) weekly with a headcount;
* attendance: 82% attended, 7% did not attend, 3% cancelled late, 4% cancelled in good time,
  4% cancelled by the service (the session then cancelled); the last week partly unmarked;
* WEMWBS or CORE-10 at baseline and end for most episodes of people 13 and over (average
  change better by about half a standard deviation), and feedback surveys (about 9 in 10
  agreeing) from people, families and partner staff.

No therapists are linked to the sessions (the reports do not use them, and the link table
would double the rows). Ids are given here and rows go in by COPY / executemany a chunk of
people at a time (see writer.py).
"""

import random
from bisect import bisect
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate

from django.db import transaction
from django.utils import timezone

from tutti.delivery.models import Attendance, Episode, Group, GroupMembership, Session
from tutti.geography.models import Area, LocalAuthority
from tutti.organisations.models import Organisation, Site
from tutti.outcomes.models import Measure, Occasion, Response
from tutti.people.models import Person
from tutti.programmes.models import Programme
from tutti.referrals.models import Referral, ReferralEvent, Status

from .writer import Writer

MARKER = "LOAD-"  # programme codes start with this: how a second run is noticed
CHUNK = 5_000  # people written (and committed) at a time


class Pick:
    """Weighted choice from a fixed list, by bisection on the cumulative weights."""

    def __init__(self, weighted):
        self.values = [value for value, _ in weighted]
        self.cumulative = list(accumulate(weight for _, weight in weighted))

    def __call__(self, rng):
        return self.values[bisect(self.cumulative, rng.random() * self.cumulative[-1])]


ROUTES_CHILD = Pick(
    [("school", 40), ("family", 30), ("gp", 8), ("health", 10), ("council", 7), ("voluntary", 5)]
)
ROUTES_ADULT = Pick(
    [
        ("self", 20),
        ("family", 10),
        ("gp", 20),
        ("link_worker", 20),
        ("health", 12),
        ("council", 6),
        ("voluntary", 8),
        ("other_professional", 4),
    ]
)
ROUTES_OLDER = Pick(
    [
        ("family", 25),
        ("gp", 20),
        ("health", 25),
        ("council", 10),
        ("voluntary", 10),
        ("link_worker", 10),
    ]
)
CIRCUMSTANCES = {
    "child": Pick(
        [
            ("autism", 35),
            ("learning_difficulty", 20),
            ("developmental_delay", 15),
            ("attachment", 10),
            ("trauma_bereavement", 10),
            ("mental_health", 10),
        ]
    ),
    "adult": Pick(
        [
            ("mental_health", 35),
            ("learning_difficulty", 15),
            ("neurological_injury", 15),
            ("social_isolation", 20),
            ("trauma_bereavement", 15),
        ]
    ),
    "older": Pick(
        [
            ("dementia", 50),
            ("social_isolation", 25),
            ("palliative_care", 15),
            ("neurological_injury", 10),
        ]
    ),
}
ETHNICITY = Pick(
    [
        ("A", 66),
        ("B", 1),
        ("C", 6),
        ("D", 1),
        ("E", 1),
        ("F", 1),
        ("G", 1),
        ("H", 3),
        ("J", 2),
        ("K", 1),
        ("L", 2),
        ("M", 2),
        ("N", 3),
        ("P", 1),
        ("R", 1),
        ("S", 2),
        ("Z", 3),
        ("99", 3),
    ]
)
SEX = Pick([("1", 48), ("2", 49), ("9", 1), ("X", 2)])
DECILE_WEIGHT = {1: 15, 2: 13, 3: 12, 4: 11, 5: 10, 6: 9, 7: 8, 8: 8, 9: 7, 10: 5}
ATTENDANCE = Pick(
    [
        ("attended", 82),
        ("dna", 7),
        ("cancelled_late", 3),
        ("cancelled_client", 4),
        ("cancelled_service", 4),
    ]
)
AGREE = Pick([(5, 48), (4, 40), (3, 7), (2, 4), (1, 1)])
FIRST_NAMES = [
    "Alex",
    "Sam",
    "Jordan",
    "Taylor",
    "Morgan",
    "Riley",
    "Casey",
    "Jamie",
    "Robin",
    "Avery",
]
FAMILY_NAMES = ["Load", "Sample", "Bench", "Test", "Example", "Synthetic", "Made", "Generated"]


@dataclass
class ProgrammeSpec:
    code: str
    name: str
    mode: str
    setting: str
    block: int
    minutes: int
    ages: tuple  # youngest, oldest
    share: int
    site_kinds: tuple


SPECS = [
    ProgrammeSpec(
        "CENTRE-INDIVIDUAL",
        "Individual music therapy at our centres",
        "individual",
        "centre",
        12,
        45,
        (2, 95),
        20,
        ("service",),
    ),
    ProgrammeSpec(
        "SCHOOLS-INDIVIDUAL",
        "Music therapy in schools",
        "individual",
        "school",
        30,
        30,
        (4, 18),
        22,
        ("school",),
    ),
    ProgrammeSpec(
        "HOSPITAL-INDIVIDUAL",
        "Music therapy on children's wards",
        "individual",
        "hospital",
        12,
        30,
        (0, 18),
        5,
        ("hospital",),
    ),
    ProgrammeSpec(
        "HOSPICE-INDIVIDUAL",
        "Music therapy in hospices",
        "individual",
        "hospice",
        12,
        45,
        (18, 95),
        4,
        ("hospice",),
    ),
    ProgrammeSpec(
        "ONLINE-INDIVIDUAL", "Music therapy online", "individual", "remote", 12, 45, (12, 80), 4, ()
    ),
    ProgrammeSpec(
        "EARLY-YEARS-GROUPS",
        "Early years music groups",
        "group",
        "community",
        12,
        45,
        (0, 5),
        8,
        ("community", "service"),
    ),
    ProgrammeSpec(
        "SCHOOLS-GROUPS",
        "Music therapy groups in schools",
        "group",
        "school",
        12,
        60,
        (5, 18),
        14,
        ("school",),
    ),
    ProgrammeSpec(
        "CARE-HOME-GROUPS",
        "Music for dementia in care homes",
        "group",
        "care_home",
        12,
        60,
        (65, 100),
        15,
        ("care_home",),
    ),
    ProgrammeSpec(
        "ADULT-GROUPS",
        "Music therapy groups for adults",
        "group",
        "centre",
        12,
        90,
        (18, 80),
        8,
        ("service", "community"),
    ),
    ProgrammeSpec(
        "COMMUNITY-CHOIRS",
        "Community choirs",
        "community",
        "community",
        1,
        90,
        (0, 100),
        0,
        ("community", "service"),
    ),
    ProgrammeSpec(
        "COMMUNITY-BANDS",
        "Inclusive bands",
        "community",
        "community",
        1,
        120,
        (12, 100),
        0,
        ("community", "service"),
    ),
]


@dataclass
class World:
    rng: random.Random
    writer: Writer
    start: date
    today: date
    programmes: dict = field(default_factory=dict)  # code -> (id, spec, [site ids])
    areas: list = field(default_factory=list)  # (lsoa, la code, la name, decile, ruc)
    area_pick: object = None
    measures: dict = field(default_factory=dict)  # code -> id
    partner_orgs: list = field(default_factory=list)


def _at(day, hour=10, minute=0):
    """A moment on a day, in UTC (an hour off local time in summer: close enough for load)."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def existing_load():
    return Programme.objects.filter(code__startswith=MARKER).exists()


def generate(*, people, years, seed, force=False, progress=None):
    """Make the load; returns {model name: rows written}."""
    rng = random.Random(seed)
    today = timezone.localdate()
    batch = Programme.objects.filter(code__startswith=MARKER).count() // len(SPECS) + 1
    world = World(rng, Writer(), today - timedelta(days=round(365.25 * years)), today)
    with transaction.atomic():
        _places(world, people, batch)
        world.writer.flush()
    chunks = range(0, people, CHUNK)
    for first in progress(chunks) if progress else chunks:
        with transaction.atomic():
            _people(world, min(CHUNK, people - first), batch)
            world.writer.flush()
    with transaction.atomic():
        _community_events(world)
        _staff_feedback(world)
        world.writer.flush()
        world.writer.reset_sequences()
    return {model.__name__: n for model, n in world.writer.written.items()}


# --- places and programmes ------------------------------------------------------------------


def _places(world, people, batch):
    w, rng = world.writer, world.rng
    prefix = f"{MARKER}{batch}-" if batch > 1 else MARKER
    service = w.add(Organisation, name=f"Load test music therapy service {batch}", kind="service")
    funders = [
        w.add(Organisation, name=f"Load test funder {batch}.{n}", kind="funder")
        for n in range(1, 5)
    ]
    sites = {"service": []}
    for n, nation in enumerate(["england", "england", "wales", "scotland"], start=1):
        sites["service"].append(
            w.add(
                Site,
                organisation_id=service,
                name=f"Load centre {n}",
                address_line_1="1 High Street",
                town="Town",
                postcode="NW1 2DB",
                nation=nation,
                rooms=4,
            )
        )
    kinds = Pick(
        [("school", 45), ("care_home", 25), ("hospital", 10), ("hospice", 5), ("community", 15)]
    )
    nations = Pick([("england", 85), ("wales", 7), ("scotland", 6), ("northern_ireland", 2)])
    for n in range(max(20, min(400, people // 2000))):
        kind = kinds(rng)
        org = w.add(Organisation, name=f"Load partner {batch}.{n}", kind=kind, is_partner=True)
        world.partner_orgs.append(org)
        site = w.add(
            Site,
            organisation_id=org,
            name=f"Load partner site {batch}.{n}",
            address_line_1="2 Low Road",
            town="Town",
            postcode="NW1 2DB",
            nation=nations(rng),
        )
        sites.setdefault(kind, []).append(site)
    areas = list(
        Area.objects.filter(
            imd_decile__isnull=False, local_authority__isnull=False, kind="lsoa21"
        ).values_list("code", "local_authority_id", "imd_decile", "rural_urban_code")
    )
    if areas:
        las = sorted({a[1] for a in areas})
        chosen = set(rng.sample(las, min(40, len(las))))
        names = dict(LocalAuthority.objects.filter(code__in=chosen).values_list("code", "name"))
        world.areas = [
            (code, la, names.get(la, la), decile, ruc)
            for code, la, decile, ruc in areas
            if la in chosen
        ]
    else:  # no geography imported: made-up areas, so the equity splits still have groups
        world.areas = [
            (f"X{n:08d}", f"X0{n % 40:07d}", f"Area {n % 40}", 1 + n % 10, "") for n in range(4000)
        ]
    world.area_pick = Pick([(area, DECILE_WEIGHT[area[3]]) for area in world.areas])
    served = sorted({a[1] for a in world.areas})
    through = Programme.sites.through
    for number, spec in enumerate(SPECS):
        programme_sites = [s for kind in spec.site_kinds for s in sites.get(kind, [])]
        pid = w.add(
            Programme,
            code=f"{prefix}{spec.code}",
            name=f"{spec.name} (load {batch})",
            description="Generated for benchmarks.",
            delivery_mode=spec.mode,
            setting=spec.setting,
            block_sessions=spec.block,
            session_minutes=spec.minutes,
            min_age=spec.ages[0],
            max_age=min(spec.ages[1], 120),
            local_authorities=served,
            funder_id=funders[number % len(funders)],
        )
        for site in programme_sites:
            w.add(through, programme_id=pid, site_id=site)
        world.programmes[spec.code] = (pid, spec, programme_sites)
    world.measures = dict(Measure.objects.values_list("code", "pk"))


# --- people, referrals, episodes, sessions --------------------------------------------------


def _age_group(age):
    return "child" if age < 18 else ("adult" if age < 65 else "older")


def _programme_for(world, age):
    candidates = [
        (code, spec.share)
        for code, (_, spec, _) in world.programmes.items()
        if spec.share and spec.ages[0] <= age <= spec.ages[1]
    ]
    return Pick(candidates)(world.rng)


def _people(world, count, batch):
    w, rng = world.writer, world.rng
    span = (world.today - world.start).days
    group_places = []  # (programme code, start date, episode id, person id, referral id)
    for _ in range(count):
        area = world.area_pick(rng)
        age = Pick([((0, 5), 12), ((5, 18), 33), ((18, 65), 30), ((65, 96), 25)])(rng)
        age = rng.randrange(*age)
        born = world.today - timedelta(days=age * 365 + rng.randrange(365))
        decile = area[3]
        person = w.add(
            Person,
            given_name=rng.choice(FIRST_NAMES),
            family_name=rng.choice(FAMILY_NAMES),
            date_of_birth=born,
            postcode="NW1 2DB",
            geography_status="found",
            lsoa_code=area[0][:9],
            local_authority_code=area[1][:9],
            local_authority_name=area[2],
            imd_decile=decile,
            imd_quintile=(decile + 1) // 2,
            imd_index="IMD 2025 (England)",
            rural_urban_code=area[4] or "",
            is_rural=(area[4][0] in "DE") if area[4] else None,
            ethnicity=ETHNICITY(rng),
            gender=SEX(rng),
        )
        for _ in range(Pick([(1, 80), (2, 17), (3, 3)])(rng)):
            received = world.start + timedelta(days=rng.randrange(span))
            _referral(world, person, age, received, group_places)
    _groups(world, group_places)


def _referral(world, person, age, received, group_places):
    w, rng = world.writer, world.rng
    code = _programme_for(world, age)
    pid, spec, sites = world.programmes[code]
    group = _age_group(age)
    routes = (
        ROUTES_CHILD if group == "child" else (ROUTES_ADULT if group == "adult" else ROUTES_OLDER)
    )
    circumstances = sorted({CIRCUMSTANCES[group](rng) for _ in range(rng.choice([1, 1, 2]))})
    received_at = _at(received, 9 + rng.randrange(8), rng.randrange(60))
    site = rng.choice(sites) if sites else None
    rid = w.new_id(Referral)
    events = [(Status.RECEIVED, received_at)]
    triaged = received_at + timedelta(days=rng.randrange(1, 15))
    fate = Pick([("accept", 84), ("declined", 6), ("signposted", 5), ("withdrawn", 5)])(rng)
    waiting_since = first_offer = start = ended = None
    status = Status.RECEIVED
    if triaged.date() > world.today:
        fate = "pending"
    elif fate in ("declined", "signposted"):
        status = fate
        events.append((fate, triaged))
    elif fate == "withdrawn":
        status = Status.WITHDRAWN
        events.append((Status.WITHDRAWN, triaged))
    else:
        waiting_since = triaged
        status = Status.WAITING
        events.append((Status.WAITING, triaged))
        wait = timedelta(days=min(700, round(rng.lognormvariate(3.9, 0.6))))
        first_offer = waiting_since + wait
        if first_offer.date() <= world.today:
            status = Status.OFFERED
            events.append((Status.OFFERED, first_offer))
            offer = first_offer
            if rng.random() < 0.12:  # declined: back to waiting, waits on from the same date
                events.append((Status.WAITING, offer + timedelta(days=7)))
                offer = offer + timedelta(days=rng.randrange(21, 60))
                if offer.date() <= world.today:
                    events.append((Status.OFFERED, offer))
                else:
                    status = Status.WAITING
            if status == Status.OFFERED:
                start = (offer + timedelta(days=rng.randrange(7, 22))).date()
                if start <= world.today:
                    status = Status.ACTIVE
                    events.append((Status.ACTIVE, _at(start, 9)))
    w.add(
        Referral,
        id=rid,
        reference=f"L{rid:010d}"[-11:],
        person_id=person,
        programme_id=pid,
        site_id=site,
        route=routes(rng),
        circumstances=circumstances,
        needs=[],
        consent_to_refer=True,
        eligible=True,
        channel=rng.choice(["public", "portal", "staff", "csv", "api"]),
        status=status,
        received_at=received_at,
        status_changed_at=events[-1][1],
        waiting_since=waiting_since,
    )
    if start is not None:
        ended = _episode(world, rid, person, pid, spec, site, start, age, group_places)
        if ended is not None:
            events.append((Status.COMPLETED, _at(ended, 17)))
            _set_status(world, rid, Status.COMPLETED, _at(ended, 17))
    for event_status, at in events:
        w.add(ReferralEvent, referral_id=rid, status=event_status, at=at)


def _set_status(world, rid, status, at):
    """The referral row is held, not yet written: change its status in place."""
    table = world.writer.tables[Referral]
    row = world.writer.pending[Referral][-1]
    assert row[table.columns.index("id")] == rid
    row[table.columns.index("status")] = status
    convert = table.converters.get("status_changed_at")
    row[table.columns.index("status_changed_at")] = convert(at) if convert else at


def _episode(world, rid, person, pid, spec, site, start, age, group_places):
    """An individual episode with its sessions, or a group place (sessions made with the
    group). Returns the end date if the episode has ended."""
    w, rng = world.writer, world.rng
    eid = w.new_id(Episode)
    weeks = spec.block if spec.mode == "individual" else 12
    end = start + timedelta(weeks=weeks)
    ended = end if end <= world.today else None
    w.add(
        Episode,
        id=eid,
        referral_id=rid,
        person_id=person,
        programme_id=pid,
        site_id=site,
        planned_sessions=weeks,
        start_date=start,
        status="ended" if ended else "active",
        ended_on=ended,
        end_reason="completed" if ended else "",
        outcome=rng.choice(["met", "partly", "partly", "not_known"]) if ended else "",
    )
    if spec.mode == "individual":
        for number in range(1, weeks + 1):
            day = start + timedelta(weeks=number - 1)
            _session_with(
                world, "individual", pid, site, day, spec.minutes, number, [eid], episode=eid
            )
    else:
        group_places.append((spec.code, start, eid, person, rid))
    _outcomes(world, person, rid, start, ended, age)
    return ended


def _session_with(world, kind, pid, site, day, minutes, number, episodes, episode=None, group=None):
    w, rng = world.writer, world.rng
    starts = _at(day, 9 + rng.randrange(8))
    past = day <= world.today
    marks = []
    for eid in episodes:
        if not past or (world.today - day).days < 7 and rng.random() < 0.3:
            marks.append((eid, "expected"))
        else:
            marks.append((eid, ATTENDANCE(rng)))
    cancelled = kind == "individual" and marks[0][1] == "cancelled_service"
    sid = w.add(
        Session,
        kind=kind,
        programme_id=pid,
        episode_id=episode,
        group_id=group,
        site_id=site,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=minutes),
        number=number,
        status="cancelled" if cancelled else "scheduled",
        cancelled_by="service" if cancelled else "",
    )
    for eid, status in marks:
        w.add(
            Attendance,
            session_id=sid,
            episode_id=eid,
            status=status,
            marked_at=starts if status != "expected" else None,
        )


def _groups(world, places):
    """Group places, by programme in order of start, into groups of 4 to 8 that meet weekly
    12 times from the first member's start."""
    w, rng = world.writer, world.rng
    places.sort(key=lambda p: (p[0], p[1]))
    i = 0
    while i < len(places):
        size = rng.randrange(4, 9)
        members = [p for p in places[i : i + size] if p[0] == places[i][0]]
        i += len(members)
        code, first = members[0][0], members[0][1]
        pid, spec, sites = world.programmes[code]
        site = rng.choice(sites) if sites else world.programmes["CENTRE-INDIVIDUAL"][2][0]
        gid = w.add(
            Group,
            programme_id=pid,
            name=f"{spec.name} group",
            site_id=site,
            weekday=first.weekday(),
            start_time=time(15, 0),
            minutes=spec.minutes,
            capacity=8,
            starts_on=first,
            planned_sessions=12,
            status="finished" if first + timedelta(weeks=12) <= world.today else "running",
        )
        for _, _, eid, _, _ in members:
            w.add(GroupMembership, group_id=gid, episode_id=eid, joined_on=first)
        episodes = [m[2] for m in members]
        for number in range(1, 13):
            day = first + timedelta(weeks=number - 1)
            _session_with(world, "group", pid, site, day, spec.minutes, number, episodes, group=gid)


# --- outcomes and feedback ------------------------------------------------------------------


def _answers(total, items, low, high):
    """`items` answers from low to high adding up to `total` (spread evenly)."""
    total = max(items * low, min(items * high, total))
    base, extra = divmod(total - items * low, items)
    return [low + base + (1 if n < extra else 0) for n in range(items)]


def _measure_response(world, code, person, rid, occasion, day, total):
    items, low, high = (14, 1, 5) if code == "wemwbs" else (10, 0, 4)
    answers = _answers(total, items, low, high)
    raw = sum(answers)
    world.writer.add(
        Response,
        measure_id=world.measures[code],
        person_id=person,
        referral_id=rid,
        occasion=occasion,
        status="completed",
        channel="therapist",
        answered_by="person",
        answers=answers,
        score={"code": code, "scored": True, "raw": raw, "answered": items},
        raw_score=raw,
        completed_at=_at(day, 11),
        created_at=_at(day, 9),
    )


def _survey_response(world, code, person, rid, day, items, organisation=None):
    answers = [AGREE(world.rng) for _ in range(items)]
    world.writer.add(
        Response,
        measure_id=world.measures[code],
        person_id=person,
        referral_id=rid,
        organisation_id=organisation,
        occasion=Occasion.END,
        status="completed",
        channel="online",
        answered_by="staff" if organisation else "person",
        answers=answers,
        score={
            "code": code,
            "scored": True,
            "answered": items,
            "items": [
                {"item": n + 1, "answer": a, "score": a, "agree": a >= 4}
                for n, a in enumerate(answers)
            ],
        },
        completed_at=_at(day, 12),
        created_at=_at(day, 9),
    )


def _outcomes(world, person, rid, start, ended, age):
    rng = world.rng
    if age >= 13 and start <= world.today and rng.random() < 0.8:
        code = "core10" if age >= 18 and rng.random() < 0.5 else "wemwbs"
        if code in world.measures:
            if code == "wemwbs":
                baseline, change = rng.gauss(40, 8), rng.gauss(4.5, 7)
            else:
                baseline, change = rng.gauss(17, 7), rng.gauss(-3.5, 6)
            _measure_response(world, code, person, rid, Occasion.BASELINE, start, round(baseline))
            if ended is not None and rng.random() < 0.7:
                _measure_response(
                    world, code, person, rid, Occasion.END, ended, round(baseline + change)
                )
    if ended is not None:
        if rng.random() < 0.45 and "survey_service_user" in world.measures:
            _survey_response(world, "survey_service_user", person, rid, ended, 3)
        if rng.random() < 0.25 and "survey_family_carer" in world.measures:
            _survey_response(world, "survey_family_carer", person, rid, ended, 1)


def _staff_feedback(world):
    if "survey_staff_partner" not in world.measures:
        return
    day = world.start
    while day <= world.today:
        for org in world.partner_orgs:
            for _ in range(world.rng.randrange(0, 4)):
                _survey_response(
                    world, "survey_staff_partner", None, None, day, 2, organisation=org
                )
        day += timedelta(days=365)


def _community_events(world):
    """Choirs and bands: weekly at each of their sites, with a headcount."""
    w, rng = world.writer, world.rng
    for code in ("COMMUNITY-CHOIRS", "COMMUNITY-BANDS"):
        pid, spec, sites = world.programmes[code]
        for site in sites[:6]:
            day = world.start + timedelta(days=rng.randrange(7))
            while day <= world.today + timedelta(days=28):
                past = day <= world.today
                starts = _at(day, 18)
                w.add(
                    Session,
                    kind="community",
                    programme_id=pid,
                    site_id=site,
                    title=spec.name,
                    starts_at=starts,
                    ends_at=starts + timedelta(minutes=spec.minutes),
                    headcount=max(3, round(rng.gauss(24, 8))) if past else None,
                )
                day += timedelta(weeks=1)
