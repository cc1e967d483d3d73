"""What a report covers: a date range and, optionally, programmes, a funder, a site, a region or
a nation. A Scope turns those into filters on sessions, attendances, referrals and responses,
so every figure in a report counts the same things.

Where things are placed:

* Sessions (and everything counted from them: hours, people, attendance, partners) are placed
  where they happened: the session's site. Online sessions have no site, so a site, region or
  nation filter leaves them out.
* Referrals are placed at the site asked for; a referral with no site is placed where the
  person lives (their local authority), for a region or nation filter.
* Outcome and feedback responses follow their referral's programme and place; a person's
  response with no referral is counted only in reports for every programme and everywhere.
  Partner staff feedback follows the sites of the organisation that answered.

Commissioners see only the programmes their organisation funds: `scope_for_user` narrows the
programmes to those, whatever was asked for.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from tutti.accounts.roles import Role
from tutti.geography.models import LocalAuthority, Postcode
from tutti.organisations.models import Site
from tutti.programmes.models import Programme


@dataclass(frozen=True)
class Scope:
    date_from: date
    date_to: date  # inclusive
    # None means no filter; an empty tuple means nothing (e.g. a funder with no programmes).
    programme_ids: tuple | None = None
    site_ids: tuple | None = None
    # Local authorities for a region or nation filter: where people with no site live.
    home_la_codes: tuple | None = None
    # What was asked for, in words and as codes, for headings, CSV files and the command.
    labels: dict = field(default_factory=dict, compare=False)
    params: dict = field(default_factory=dict, compare=False)

    # --- time ----------------------------------------------------------------------------

    @property
    def start(self):
        return timezone.make_aware(datetime.combine(self.date_from, time.min))

    @property
    def end(self):
        """The moment after the last day (exclusive)."""
        return timezone.make_aware(datetime.combine(self.date_to + timedelta(days=1), time.min))

    @property
    def end_so_far(self):
        """The end, or now if the period has not finished: sessions still to come are not
        counted as delivered."""
        return min(self.end, timezone.now())

    @property
    def period_label(self):
        return f"{self.date_from:%-d %B %Y} to {self.date_to:%-d %B %Y}"

    @property
    def is_everything(self):
        """No programme or place filter: every record counts."""
        return self.programme_ids is None and self.site_ids is None

    # --- filters, as Q objects with a path prefix -------------------------------------------

    def programme_q(self, prefix=""):
        if self.programme_ids is None:
            return Q()
        return Q(**{f"{prefix}programme_id__in": self.programme_ids})

    def session_place_q(self, prefix=""):
        if self.site_ids is None:
            return Q()
        return Q(**{f"{prefix}site_id__in": self.site_ids})

    def referral_place_q(self, prefix=""):
        if self.site_ids is None:
            return Q()
        q = Q(**{f"{prefix}site_id__in": self.site_ids})
        if self.home_la_codes is not None:
            q |= Q(
                **{
                    f"{prefix}site__isnull": True,
                    f"{prefix}person__local_authority_code__in": self.home_la_codes,
                }
            )
        return q

    def sessions_q(self, prefix=""):
        """Sessions that started in the period (up to now), in the programmes and places."""
        return (
            Q(**{f"{prefix}starts_at__gte": self.start, f"{prefix}starts_at__lt": self.end_so_far})
            & self.programme_q(prefix)
            & self.session_place_q(prefix)
        )

    def referrals_q(self, prefix=""):
        """Referrals in the programmes and places (any date: callers add the date they need)."""
        return self.programme_q(prefix) & self.referral_place_q(prefix)

    def responses_q(self):
        """Responses from people in the programmes and places, through their referral."""
        if self.is_everything:
            return Q()
        return Q(referral__isnull=False) & self.referrals_q("referral__")

    def staff_responses_q(self):
        """Partner staff feedback, by the sites of the organisation that answered."""
        if self.is_everything:
            return Q()
        sites = Site.objects.all()
        if self.site_ids is not None:
            sites = sites.filter(pk__in=self.site_ids)
        if self.programme_ids is not None:
            sites = sites.filter(programmes__in=self.programme_ids)
        return Q(organisation_id__in=sites.values("organisation_id"))


def nation_choices():
    return list(Site.Nation.choices)


def region_choices():
    """Regions (England's nine, and the nations' own) that have one of our sites in them."""
    codes = Postcode.objects.filter(postcode__in=Site.objects.values("postcode")).values(
        "local_authority_id"
    )
    regions = (
        LocalAuthority.objects.filter(code__in=codes)
        .exclude(region_name="")
        .values_list("region_name", flat=True)
        .distinct()
        .order_by("region_name")
    )
    return [(name, name) for name in regions]


def _sites_in_region(region):
    codes = LocalAuthority.objects.filter(region_name=region).values("code")
    postcodes = Postcode.objects.filter(local_authority_id__in=codes).values("postcode")
    return Site.objects.filter(postcode__in=postcodes)


def programmes_for_user(user):
    """The programmes a user may report on: all, or for a commissioner those it funds."""
    programmes = Programme.objects.order_by("name")
    if user is None or user.has_role(Role.ADMINISTRATOR, Role.COORDINATOR):
        return programmes
    if user.has_role(Role.COMMISSIONER) and user.organisation_id:
        return programmes.filter(funder_id=user.organisation_id)
    return programmes.none()


def scope_build(
    *,
    date_from,
    date_to,
    programme=None,
    funder=None,
    site=None,
    region="",
    nation="",
    allowed_programmes=None,
):
    """A Scope from filter values (model instances or None, names for region and nation).

    `allowed_programmes` (a queryset) narrows the programmes whatever else is asked for: a
    commissioner's funded programmes.
    """
    labels, params = {}, {"from": date_from.isoformat(), "to": date_to.isoformat()}
    programme_ids = None
    if programme is not None:
        programme_ids = {programme.pk}
        labels["Programme"] = f"{programme.name} ({programme.code})"
        params["programme"] = programme.code
    if funder is not None:
        funded = set(Programme.objects.filter(funder=funder).values_list("pk", flat=True))
        programme_ids = funded if programme_ids is None else programme_ids & funded
        labels["Funder"] = funder.name
        params["funder"] = funder.pk
    if allowed_programmes is not None:
        allowed = set(allowed_programmes.values_list("pk", flat=True))
        programme_ids = allowed if programme_ids is None else programme_ids & allowed

    site_ids = home_la_codes = None
    if site is not None:
        site_ids = {site.pk}
        labels["Site"] = site.name
        params["site"] = site.pk
    if region:
        in_region = set(_sites_in_region(region).values_list("pk", flat=True))
        site_ids = in_region if site_ids is None else site_ids & in_region
        home_la_codes = set(
            LocalAuthority.objects.filter(region_name=region).values_list("code", flat=True)
        )
        labels["Region"] = region
        params["region"] = region
    if nation:
        nation_label = Site.Nation(nation).label
        in_nation = set(Site.objects.filter(nation=nation).values_list("pk", flat=True))
        site_ids = in_nation if site_ids is None else site_ids & in_nation
        in_nation_las = set(
            LocalAuthority.objects.filter(nation=nation_label).values_list("code", flat=True)
        )
        home_la_codes = in_nation_las if home_la_codes is None else home_la_codes & in_nation_las
        labels["Nation"] = nation_label
        params["nation"] = nation
    if site is not None and home_la_codes is not None:
        home_la_codes = None  # a site was named: referrals are placed by it alone

    def frozen(ids):
        return None if ids is None else tuple(sorted(ids))

    return Scope(
        date_from=date_from,
        date_to=date_to,
        programme_ids=frozen(programme_ids),
        site_ids=frozen(site_ids),
        home_la_codes=frozen(home_la_codes),
        labels=labels,
        params=params,
    )


def financial_year(today):
    """The UK financial year (1 April to 31 March) that `today` falls in."""
    first = date(today.year if today.month >= 4 else today.year - 1, 4, 1)
    return first, date(first.year + 1, 3, 31)
