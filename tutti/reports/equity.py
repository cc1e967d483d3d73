"""Equity: the impact figures split by who people are and where they live, to show who is
reached, who is accepted and who waits longest.

Splits: IMD quintile, age band, sex, ethnicity (the NHS broad groups), circumstance, referral
route, local authority, rurality. For each group, from the same Scope as the impact report:

* referrals received in the period; accepted (put on the waiting list) of those decided
  (accepted, declined or signposted elsewhere), as a %;
* waits: days from joining the waiting list (`waiting_since`, which a declined offer does not
  reset) to the first offer, from the referral's status history (its first "offered" event),
  for first offers made in the period: median and 90th percentile, interpolated between
  closest ranks (as PostgreSQL's percentile_cont);
* people reached and the attendance rate (as in the impact report);
* outcome change: people with a baseline and a later score, and the % with a reliable
  improvement, pooled over the measures that have a reliable change criterion.

A person's IMD quintile, age, sex, ethnicity, local authority and rurality come from their
record; age is on the last day of the period. Route and circumstances come from the referral
(for attendance and outcomes: the referral of the episode or response). A referral can name
several circumstances, so circumstance groups overlap and do not add up to the total.

All of it is aggregated in the database, one grouped query a figure (one a circumstance).
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import (
    Case,
    CharField,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber, TruncDate

from tutti.core.vocab import Circumstance, Route
from tutti.delivery.models import Attendance, Session
from tutti.people.models import StatedGender
from tutti.referrals.models import Referral, ReferralEvent, Status
from tutti.reports.impact import referrals_received
from tutti.reports.responses import change_pairs, total_score_measures
from tutti.reports.scope import Scope
from tutti.reports.stats import interpolate, percentile_ranks

NOT_KNOWN = "Not known"
ANYTHING = Q()
A = Attendance.Status

# Where each model reaches the person and the referral.
PATHS = {
    "referral": {"person": "person__", "referral": ""},
    "attendance": {"person": "episode__person__", "referral": "episode__referral__"},
    "response": {"person": "person__", "referral": "referral__"},
}

QUINTILE_LABELS = {
    1: "1 (most deprived 20%)",
    2: "2",
    3: "3",
    4: "4",
    5: "5 (least deprived 20%)",
}
AGE_BANDS = [
    (0, "Under 5"),
    (5, "5 to 11"),
    (12, "12 to 17"),
    (18, "18 to 25"),
    (26, "26 to 64"),
    (65, "65 to 79"),
    (80, "80 and over"),
]
ETHNIC_GROUPS = {
    "White": "ABC",
    "Mixed or multiple ethnic groups": "DEFG",
    "Asian or Asian British": "HJKL",
    "Black or Black British": "MNP",
    "Other ethnic group": "RS",
    "Not stated": "Z",
}


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


@dataclass(frozen=True)
class Dimension:
    key: str
    label: str
    on: str  # "person" or "referral"
    field: str = ""  # a plain field, when there is no expression
    multi: bool = False  # circumstances: a referral can be in several groups

    def expression(self, model, scope: Scope):
        """The group of each row of `model` ("referral", "attendance", "response")."""
        prefix = PATHS[model][self.on]
        if self.key == "age_band":
            born = f"{prefix}date_of_birth"
            whens = [
                When(**{f"{born}__lte": _years_before(scope.date_to, low)}, then=Value(label))
                for low, label in reversed(AGE_BANDS)
            ]
            return Case(*whens, default=Value(NOT_KNOWN), output_field=CharField())
        if self.key == "ethnicity":
            whens = [
                When(**{f"{prefix}ethnicity__in": list(codes)}, then=Value(group))
                for group, codes in ETHNIC_GROUPS.items()
            ]
            return Case(*whens, default=Value(NOT_KNOWN), output_field=CharField())
        return F(f"{prefix}{self.field}")

    def label_of(self, value):
        if value in (None, ""):
            return NOT_KNOWN
        if self.key == "imd_quintile":
            return QUINTILE_LABELS.get(value, str(value))
        if self.key == "sex":
            return StatedGender(value).label if value in StatedGender.values else value
        if self.key == "route":
            return Route(value).label if value in Route.values else value
        if self.key == "rurality":
            return "Rural" if value else "Urban"
        return str(value)

    def order(self, values):
        """Groups in reading order: the scale's own order, else largest first; Not known last."""
        if self.key == "imd_quintile":
            known = sorted(v for v in values if v is not None)
        elif self.key == "age_band":
            order = [label for _, label in AGE_BANDS]
            known = sorted((v for v in values if v in order), key=order.index)
        elif self.key == "sex":
            known = [v for v in StatedGender.values if v in values and v != "X"]
        elif self.key == "ethnicity":
            known = [g for g in ETHNIC_GROUPS if g in values]
        elif self.key == "route":
            known = [v for v in Route.values if v in values]
        elif self.key == "rurality":
            known = [v for v in (True, False) if v in values]
        else:
            known = sorted(v for v in values if v not in (None, "", NOT_KNOWN))
        rest = [v for v in values if v not in known]
        return known + rest


DIMENSIONS = [
    Dimension("imd_quintile", "IMD quintile", "person", "imd_quintile"),
    Dimension("age_band", "Age band", "person"),
    Dimension("sex", "Sex", "person", "gender"),
    Dimension("ethnicity", "Ethnicity", "person"),
    Dimension("circumstance", "Circumstance", "referral", "circumstances", multi=True),
    Dimension("route", "Referral route", "referral", "route"),
    Dimension("local_authority", "Local authority", "person", "local_authority_name"),
    Dimension("rurality", "Rural or urban", "person", "is_rural"),
]
BY_KEY = {d.key: d for d in DIMENSIONS}


# --- one figure, grouped ---------------------------------------------------------------------
# Each function takes `group` (an expression, or None for everyone) and `where` (a further
# filter, for a circumstance) and returns {group value: {figure: value}} ({None: …} for
# everyone) from one query.


def _grouped(queryset, group, **aggregates):
    queryset = queryset.order_by()
    if group is None:
        return {None: queryset.aggregate(**aggregates)}
    rows = queryset.annotate(_group=group).values("_group").annotate(**aggregates)
    return {row.pop("_group"): row for row in rows}


def referral_counts(scope: Scope, group, where=ANYTHING):
    accepted = Q(waiting_since__isnull=False)
    decided = accepted | Q(status__in=[Status.DECLINED, Status.SIGNPOSTED])
    return _grouped(
        referrals_received(scope).filter(where),
        group,
        referrals=Count("pk"),
        accepted=Count("pk", filter=accepted),
        decided=Count("pk", filter=decided),
    )


def first_offer_at():
    """When a referral was first offered a place after joining the waiting list."""
    return Subquery(
        ReferralEvent.objects.filter(
            referral=OuterRef("pk"), status=Status.OFFERED, at__gte=OuterRef("waiting_since")
        )
        .order_by("at")
        .values("at")[:1]
    )


def wait_days():
    """Whole days from joining the waiting list to the first offer (local dates)."""
    return ExpressionWrapper(
        TruncDate("first_offer_at") - TruncDate("waiting_since"), output_field=DurationField()
    )


def first_offers(scope: Scope):
    """Referrals first offered a place in the period, annotated with `wait` (whole days, as a
    duration)."""
    return (
        Referral.objects.filter(
            scope.referrals_q(), waiting_since__isnull=False, waiting_since__lt=scope.end
        )
        .annotate(first_offer_at=first_offer_at())
        .filter(first_offer_at__gte=scope.start, first_offer_at__lt=scope.end)
        .annotate(wait=wait_days())
    )


def _days(duration):
    return duration.days


def wait_percentiles(scope: Scope, group, where=ANYTHING, ps=(0.5, 0.9)):
    """{group: {"n": count, 0.5: days, 0.9: days}}: percentiles of the wait to a first offer
    within each group, from only the ranked rows either side of each percentile (a window
    function numbers the rows), never from every row."""
    everyone = group is None
    group = Value(1, output_field=IntegerField()) if everyone else group
    annotated = first_offers(scope).filter(where).order_by().annotate(_group=group)
    counts = dict(annotated.values("_group").annotate(n=Count("pk")).values_list("_group", "n"))
    counts = {key: n for key, n in counts.items() if n}  # a constant group can count 0 rows
    ranks = set()
    for n in counts.values():
        for p in ps:
            lower, upper, _ = percentile_ranks(n, p)
            ranks |= {lower, upper}
    ranked = annotated.annotate(
        _rank=Window(
            RowNumber(), partition_by=[F("_group")], order_by=[F("wait").asc(), F("pk").asc()]
        )
    )
    picked = ranked.filter(_rank__in=sorted(ranks)).values_list("_group", "_rank", "wait")
    values = {(key, rank): _days(wait) for key, rank, wait in picked}
    result = {}
    for key, n in counts.items():
        row = {"n": n}
        for p in ps:
            lower, upper, weight = percentile_ranks(n, p)
            row[p] = interpolate(values[(key, lower)], values[(key, upper)], weight)
        result[None if everyone else key] = row
    return result


def attendance_counts(scope: Scope, group, where=ANYTHING):
    rows = Attendance.objects.filter(scope.sessions_q("session__"), where)
    came = Q(status=A.ATTENDED) & ~Q(session__status=Session.Status.CANCELLED)
    return _grouped(
        rows,
        group,
        people=Count("episode__person_id", distinct=True, filter=came),
        attended=Count("pk", filter=Q(status=A.ATTENDED)),
        expected=Count("pk", filter=Q(status__in=[A.ATTENDED, *Attendance.NON_ATTENDANCE])),
    )


def outcome_counts(scope: Scope, measures, group, where=ANYTHING):
    """{group: {"pairs": n, "improved": n}} pooled over `measures` (those with a reliable
    change criterion)."""
    pooled = {}
    for measure in measures:
        criterion = measure.reliable_change_criterion
        better = Q(change__gt=criterion) if measure.higher_is_better else Q(change__lt=-criterion)
        rows = _grouped(
            change_pairs(scope, measure).filter(where),
            group,
            pairs=Count("pk"),
            improved=Count("pk", filter=better),
        )
        for key, row in rows.items():
            into = pooled.setdefault(key, {"pairs": 0, "improved": 0})
            into["pairs"] += row["pairs"] or 0
            into["improved"] += row["improved"] or 0
    return pooled


# --- a whole split ---------------------------------------------------------------------------


@dataclass
class GroupFigures:
    key: object
    label: str
    referrals: int = 0
    accepted: int = 0
    decided: int = 0
    waits: int = 0
    median_wait: float | None = None
    p90_wait: float | None = None
    people: int = 0
    attended: int = 0
    expected: int = 0
    outcome_pairs: int = 0
    improved: int = 0

    @property
    def acceptance(self):
        return 100 * self.accepted / self.decided if self.decided else None

    @property
    def attendance_rate(self):
        return 100 * self.attended / self.expected if self.expected else None

    @property
    def percent_improved(self):
        return 100 * self.improved / self.outcome_pairs if self.outcome_pairs else None

    @property
    def is_empty(self):
        return not (self.referrals or self.waits or self.expected or self.outcome_pairs)

    def add(self, referrals=None, waits=None, attendance=None, outcomes=None):
        """Add one query's figures. Two rows can land in one group ("not known" is both a
        blank and an empty value): counts add up; percentiles cannot, so the larger group's
        are kept (the two are never both large in practice)."""
        for name in ("referrals", "accepted", "decided"):
            setattr(self, name, getattr(self, name) + ((referrals or {}).get(name) or 0))
        for name in ("people", "attended", "expected"):
            setattr(self, name, getattr(self, name) + ((attendance or {}).get(name) or 0))
        self.outcome_pairs += (outcomes or {}).get("pairs", 0)
        self.improved += (outcomes or {}).get("improved", 0)
        if waits and waits["n"] > self.waits:
            self.waits, self.median_wait, self.p90_wait = waits["n"], waits[0.5], waits[0.9]
        return self


@dataclass
class EquitySplit:
    dimension: Dimension
    groups: list
    total: GroupFigures
    notes: list = field(default_factory=list)


def reliable_change_measures():
    return [m for m in total_score_measures() if m.reliable_change_criterion is not None]


def _figures(scope, measures, group_of, where=None):
    """The four grouped figures; `where(model)` gives a further filter for each model."""
    where = where or (lambda model: Q())
    return (
        referral_counts(scope, group_of("referral"), where("referral")),
        wait_percentiles(scope, group_of("referral"), where("referral")),
        attendance_counts(scope, group_of("attendance"), where("attendance")),
        outcome_counts(scope, measures, group_of("response"), where("response")),
    )


def _everyone(model):
    return None


def equity_split(scope: Scope, key: str, *, live=False) -> EquitySplit:
    """One split. The IMD-quintile split reads the summary tables when they cover the period
    (see summaries.py) unless `live`; the others always count live."""
    dimension = BY_KEY[key]
    measures = reliable_change_measures()
    if key == "imd_quintile" and not live:
        from tutti.reports.summaries import summaries_for

        if summaries_for(scope) is not None:
            from tutti.reports.fast import quintile_split

            return quintile_split(scope, dimension, measures)
    everyone = _figures(scope, measures, _everyone)
    total = GroupFigures(None, "Everyone").add(*(part.get(None) for part in everyone))
    if dimension.multi:
        groups = []
        for code, label in Circumstance.choices:
            parts = _figures(scope, measures, _everyone, _naming(code))
            group = GroupFigures(code, label).add(*(part.get(None) for part in parts))
            if not group.is_empty:
                groups.append(group)
        note = (
            "A referral can name more than one circumstance, so the groups overlap and add up "
            "to more than everyone."
        )
        return EquitySplit(dimension, groups, total, [note])
    parts = _figures(scope, measures, lambda model: dimension.expression(model, scope))
    groups = {}
    for value in dimension.order(list(set().union(*(part.keys() for part in parts)))):
        label = dimension.label_of(value)
        groups.setdefault(label, GroupFigures(value, label)).add(
            *(part.get(value) for part in parts)
        )
    return EquitySplit(dimension, list(groups.values()), total)


def _naming(code):
    """Rows whose referral names circumstance `code`: matched in the JSON text, which works
    the same on SQLite and PostgreSQL."""

    def where(model):
        prefix = PATHS[model]["referral"]
        return Q(**{f"{prefix}circumstances__icontains": f'"{code}"'})

    return where
