"""Places with known answers, for the unmet need tests.

Three local authorities (no LSOA populations imported, so each LSOA counts as 1,671 people):

    Northtown  LSOAs N1 d1, N2 d1, N3 d2, N4 d6   centres (51.50 or 51.51, −0.10 or −0.12)
    Southvale  LSOAs S1 d1, S2 d3, S3 d4, S4 d6, S5 d8   centres (51.40, −0.10)
    Eastmere   LSOAs E1 d9, E2 d10                centres (51.505, −0.02)
    Westford   LSOAs W1 d1, W2 d2                 (not served, nobody referred)

Programme UNMET (funded by the Borough Fund) names Northtown and Southvale; it runs at one
active site, Northtown hall, at (51.505, −0.11); a closed site in Eastmere does not count.
Referrals received in the year (1 April 2025 to 31 March 2026): Northtown 2 (N1, N4),
Southvale 6, Eastmere 3 (Eastmere is listed because people referred live there); one more
in Northtown was received before the year.

    LA         LSOAs  % in deciles 1–2  mean decile  residents  referrals  per 10,000  km to site
    Northtown  4      75                2.5          6,684      2          3.0         0
    Southvale  5      20                4.4          8,355      6          7.2         11.6
    Eastmere   2      0                 9.5          3,342      3          9.0         6.2

Medians: 20% and 7.18 per 10,000, so only Northtown (75% ≥ 20%, 2.99 < 7.18) has high need and
low reach; Southvale's rate is the median, not below it. With every local authority listed,
Westford (100%, 0 referrals) comes first and is flagged too (medians 47.5% and 5.08).

Within Northtown (3.0 per 10,000): N1 1 referral (6.0), N2 0, N3 0, N4 1 (6.0). N2 and N3
are in the most deprived 20% with fewer referrals than Northtown as a whole: flagged. Order:
N2 (d1, 0), N1 (d1, 6.0), N3 (d2), N4 (d6). By decile: 1: 2 LSOAs, 3,342 residents, 1
referral (3.0); 2: 0; 6: 1 (6.0).
"""

from datetime import date, datetime, time
from types import SimpleNamespace

from django.utils import timezone

from tutti.geography.models import Area, LocalAuthority, Postcode
from tutti.organisations.models import Organisation
from tutti.organisations.tests.factories import OrganisationFactory, SiteFactory
from tutti.people.tests.factories import PersonFactory
from tutti.programmes.tests.factories import ProgrammeFactory
from tutti.referrals.tests.factories import ReferralFactory

YEAR = (date(2025, 4, 1), date(2026, 3, 31))
NORTHTOWN, SOUTHVALE, EASTMERE, WESTFORD = "E09000901", "E09000902", "E09000903", "E09000904"

AREAS = [
    # code, name, LA, decile, lat, long
    ("E01900001", "Northtown 001A", NORTHTOWN, 1, 51.50, -0.10),
    ("E01900002", "Northtown 001B", NORTHTOWN, 1, 51.51, -0.10),
    ("E01900003", "Northtown 002A", NORTHTOWN, 2, 51.50, -0.12),
    ("E01900004", "Northtown 002B", NORTHTOWN, 6, 51.51, -0.12),
    ("E01900011", "Southvale 001A", SOUTHVALE, 1, 51.40, -0.10),
    ("E01900012", "Southvale 001B", SOUTHVALE, 3, 51.40, -0.10),
    ("E01900013", "Southvale 001C", SOUTHVALE, 4, 51.40, -0.10),
    ("E01900014", "Southvale 001D", SOUTHVALE, 6, 51.40, -0.10),
    ("E01900015", "Southvale 001E", SOUTHVALE, 8, 51.40, -0.10),
    ("E01900021", "Eastmere 001A", EASTMERE, 9, 51.505, -0.02),
    ("E01900022", "Eastmere 001B", EASTMERE, 10, 51.505, -0.02),
    ("E01900031", "Westford 001A", WESTFORD, 1, 51.70, -0.30),
    ("E01900032", "Westford 001B", WESTFORD, 2, 51.70, -0.30),
]


def noon(day):
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


def build_unmet_world():
    w = SimpleNamespace()
    for code, name in [
        (NORTHTOWN, "Northtown"),
        (SOUTHVALE, "Southvale"),
        (EASTMERE, "Eastmere"),
        (WESTFORD, "Westford"),
    ]:
        LocalAuthority.objects.create(code=code, name=name, nation="England")
    for code, name, la, decile, lat, long in AREAS:
        Area.objects.create(
            code=code,
            name=name,
            kind=Area.Kind.LSOA21,
            local_authority_id=la,
            imd_decile=decile,
            centroid_lat=lat,
            centroid_long=long,
        )
    Postcode.objects.create(postcode="NT1 1AA", lat=51.505, long=-0.11)
    Postcode.objects.create(postcode="EM1 1AA", lat=51.505, long=-0.02)
    w.funder = OrganisationFactory(
        name="Borough Fund", kind=Organisation.Kind.FUNDER, is_partner=False
    )
    w.hall = SiteFactory(name="Northtown hall", postcode="NT1 1AA")
    w.closed = SiteFactory(name="Eastmere rooms", postcode="EM1 1AA", is_active=False)
    w.programme = ProgrammeFactory(
        code="UNMET",
        name="Music in the community",
        funder=w.funder,
        local_authorities=[NORTHTOWN, SOUTHVALE],
    )
    w.programme.sites.set([w.hall, w.closed])
    w.other = ProgrammeFactory(code="OTHER", name="Another programme")

    def referred(lsoa, la, day=date(2025, 6, 1), programme=None):
        person = PersonFactory(lsoa_code=lsoa, local_authority_code=la)
        return ReferralFactory(
            person=person, programme=programme or w.programme, received_at=noon(day)
        )

    w.n1 = referred("E01900001", NORTHTOWN)
    w.n4 = referred("E01900004", NORTHTOWN)
    referred("E01900001", NORTHTOWN, day=date(2025, 3, 1))  # before the year
    w.southvale = [referred(f"E0190001{n}", SOUTHVALE) for n in (1, 1, 2, 3, 4, 5)]
    w.eastmere = [referred("E01900021", EASTMERE) for _ in range(3)]
    return w
