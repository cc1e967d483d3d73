"""Look up a postcode's geography, a GP practice, and the distance between two points.

`resolve_postcode` never guesses: a postcode that is not in the imported lookup is
"not_found", with every other field None. There is no nearest-postcode fallback.

Statuses:

* "found": the postcode is in the lookup. Its area fields are filled as far as the lookup
  and the imported files allow. In the derived lookup in shared/data, postcodes in
  Scotland, Northern Ireland, the Channel Islands and the Isle of Man have a position but
  no LSOA/Data Zone and no local authority, so they are "found" with lat/long only and no
  deprivation, nation or rurality (we do not infer a nation from the postcode area:
  TD, DG, CH, SY, LD, NP and others cross borders). An official NSPL/ONSPD carries the
  Scottish Data Zone and NI SOA in its lsoa11 column; imported from one, such postcodes get
  their SIMD/NIMDM decile.
* "not_found": a valid postcode that is not in the lookup.
* "pseudo": an NHS pseudo-postcode (ZZ99 …, e.g. ZZ99 3VZ "no fixed abode").
* "invalid": not a postcode by the BS 7666 rules (terminated formats such as "NPT 0AD" or
  "W1M 0AA" included): nothing is looked up.

Where each field comes from, for a found postcode:

* lsoa_code/lsoa_name: the LSOA 2021 (England and Wales) or, failing that, the postcode's
  2011 area (a Scottish Data Zone or NI SOA in an official NSPL).
* imd_decile/imd_rank/imd_index: the nation's own index on that LSOA 2021 (IMD 2025 for
  England); where that area has none, the index on the postcode's LSOA 2011 (WIMD 2019 for
  Wales, which is published on LSOA 2011; SIMD/NIMDM for an official NSPL's Data Zone/SOA).
  Deciles from different nations' indices are not comparable: keep imd_index with them.
* rural_urban_code: RUC 2011 of the postcode's own LSOA 2011 (RUC 2011 is defined on LSOA
  2011, so this is exact); failing that, the value carried to its LSOA 2021 (see Area).
* local_authority_*: the postcode's local authority (current code), and its nation.
"""

import math
from dataclasses import dataclass
from functools import cache

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connections

from tutti.core.postcodes import is_pseudo_postcode, normalise_postcode

from .importer import RURAL_URBAN_LABELS, nation_of
from .models import Area, GPPractice, LocalAuthority, Postcode

FOUND = "found"
NOT_FOUND = "not_found"
PSEUDO = "pseudo"
INVALID = "invalid"


@dataclass(frozen=True)
class Geography:
    postcode: str | None  # normalised "SW1A 1AA"; None when invalid
    status: str  # found | not_found | pseudo | invalid
    lsoa_code: str | None = None
    lsoa_name: str | None = None
    local_authority_code: str | None = None
    local_authority_name: str | None = None
    nation: str | None = None
    imd_decile: int | None = None  # 1 = most deprived 10 % of the nation's areas
    imd_quintile: int | None = None  # (decile + 1) // 2
    imd_rank: int | None = None
    imd_index: str | None = None  # "IMD 2025 (England)", "WIMD 2019", "SIMD 2020v2", …
    rural_urban_code: str | None = None  # RUC 2011, e.g. "A1"
    rural_urban_label: str | None = None  # e.g. "Urban: major conurbation"
    is_rural: bool | None = None
    lat: float | None = None
    long: float | None = None

    @property
    def found(self):
        return self.status == FOUND


@cache
def _lookup_sql(vendor):
    """One query: the postcode row with its LSOA 2021, its 2011 area and its LA.

    Raw SQL, because building the same query through the ORM costs about 0.7 ms a call and
    this costs about 0.04 ms. Built from the models' metadata, so it follows their columns.
    """
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name  # same quoting on every backend

    def column(model, name):
        return quote(model._meta.get_field(name).column)

    area_fields = (
        "name",
        "local_authority",
        "imd_decile",
        "imd_rank",
        "imd_index",
        "rural_urban_code",
    )
    selected = [
        f"p.{column(Postcode, name)}"
        for name in ("lsoa21", "lsoa11", "local_authority", "lat", "long")
    ]
    selected += [f"{alias}.{column(Area, name)}" for alias in ("a", "b") for name in area_fields]
    selected += [f"la.{column(LocalAuthority, name)}" for name in ("name", "nation")]
    area_key = column(Area, "code")
    areas = quote(Area._meta.db_table)
    # The postcode itself last: `resolve_postcodes` reads it to tell its rows apart.
    selected.append(f"p.{column(Postcode, 'postcode')}")
    return (
        f"SELECT {', '.join(selected)} "
        f"FROM {quote(Postcode._meta.db_table)} p "
        f"LEFT JOIN {areas} a ON a.{area_key} = p.{column(Postcode, 'lsoa21')} "
        f"LEFT JOIN {areas} b ON b.{area_key} = p.{column(Postcode, 'lsoa11')} "
        f"LEFT JOIN {quote(LocalAuthority._meta.db_table)} la "
        f"ON la.{column(LocalAuthority, 'code')} = p.{column(Postcode, 'local_authority')} "
        f"WHERE p.{column(Postcode, 'postcode')} "
    )


def _checked(postcode):
    """(normalised, answer): the answer when no lookup is needed (invalid, pseudo), else None."""
    try:
        normalised = normalise_postcode(postcode)
    except ValidationError:
        return None, Geography(postcode=None, status=INVALID)
    if is_pseudo_postcode(normalised):
        return normalised, Geography(postcode=normalised, status=PSEUDO)
    return normalised, None


def resolve_postcode(postcode, *, using=None):
    """The geography of one postcode, in one query (see the module docstring)."""
    normalised, answer = _checked(postcode)
    if answer is not None:
        return answer
    connection = connections[using or DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        cursor.execute(_lookup_sql(connection.vendor) + "= %s", [normalised])
        row = cursor.fetchone()
    return _geography(normalised, row)


LOOKUP_BATCH = 500


def resolve_postcodes(postcodes, *, using=None) -> dict:
    """`resolve_postcode` for many postcodes, one query per 500 of them: {postcode as given:
    Geography}. For files of thousands of referrals, where one query each adds up."""
    answers = {}
    wanted = {}  # normalised: [as given, ...]
    for postcode in set(postcodes):
        normalised, answers[postcode] = _checked(postcode)
        if answers[postcode] is None:
            wanted.setdefault(normalised, []).append(postcode)
    connection = connections[using or DEFAULT_DB_ALIAS]
    found = {}
    keys = sorted(wanted)
    with connection.cursor() as cursor:
        for start in range(0, len(keys), LOOKUP_BATCH):
            chunk = keys[start : start + LOOKUP_BATCH]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(_lookup_sql(connection.vendor) + f"IN ({marks})", chunk)
            found.update((row[-1], row) for row in cursor.fetchall())
    for normalised, given in wanted.items():
        geography = _geography(normalised, found.get(normalised))
        for postcode in given:
            answers[postcode] = geography
    return answers


def _geography(normalised, row):
    """A looked-up postcode's Geography from its row of `_lookup_sql` (None: not in it)."""
    if row is None:
        return Geography(postcode=normalised, status=NOT_FOUND)

    lsoa21_code, lsoa11_code, la_code, lat, long = row[:5]
    # With no database constraints, a code may have no Area/LA row; the code is still kept.
    lsoa21 = row[5:11] if row[5] is not None or row[6] is not None else None
    lsoa11 = row[11:17] if row[11] is not None or row[12] is not None else None
    la_name, la_nation = row[17:19]
    name, area_la, *_ = lsoa21 or lsoa11 or (None, None)
    # (name, LA, decile, rank, index, RUC) of the first area with an index / an RUC
    deprived = next((a for a in (lsoa21, lsoa11) if a is not None and a[2]), None)
    ruc = next((a[5] for a in (lsoa11, lsoa21) if a is not None and a[5]), None)
    la_code = la_code or area_la
    lsoa_code = lsoa21_code or lsoa11_code
    decile = deprived[2] if deprived else None
    return Geography(
        postcode=normalised,
        status=FOUND,
        lsoa_code=lsoa_code,
        lsoa_name=name or None,
        local_authority_code=la_code,
        local_authority_name=la_name,
        nation=la_nation or nation_of(la_code) or nation_of(lsoa_code),
        imd_decile=decile,
        imd_quintile=(decile + 1) // 2 if decile else None,
        imd_rank=deprived[3] if deprived else None,
        imd_index=deprived[4] if deprived else None,
        rural_urban_code=ruc,
        rural_urban_label=RURAL_URBAN_LABELS.get(ruc) if ruc else None,
        is_rural=ruc[0] in "DE" if ruc else None,
        lat=lat,
        long=long,
    )


def gp_practice(ods_code, *, using=None):
    """The ODS organisation with this code (any prescribing setting), or None."""
    code = (ods_code or "").strip().upper()
    if not code:
        return None
    queryset = GPPractice.objects.using(using) if using else GPPractice.objects
    return queryset.filter(pk=code).first()


def gp_practice_problem(ods_code, *, using=None):
    """Why this code cannot be a referring GP practice, in plain words, or None if it is an
    open GP practice on the ODS list."""
    code = (ods_code or "").strip().upper()
    practice = gp_practice(code, using=using)
    if practice is None:
        return (
            f"{code} is not a GP practice code we know. Check the code on the ODS website "
            "(odsportal.digital.nhs.uk). If you do not work in a GP practice, choose where you "
            "work instead."
        )
    if not practice.is_gp_practice:
        return (
            f"{code} is not a GP practice: it is {practice.name.title()}. Enter your GP "
            "practice's code, or choose where you work instead."
        )
    if not practice.is_active:
        return (
            f"{code} is {practice.name.title()}, which is no longer open. Check your "
            "practice's code on the ODS website."
        )
    return None


def referrer_ods_code_problem(code, route, *, practice_problem=gp_practice_problem):
    """Why this can't be the referrer's ODS code, in plain words, or None. Any code must look
    like an ODS code; on the GP route it must be an open GP practice on the ODS list, which
    `practice_problem` answers (callers on a hot path pass one that remembers). The
    professional form, the JSON API and file imports all ask this."""
    from tutti.organisations.models import validate_ods_code

    if not code:
        return None
    try:
        validate_ods_code(code)
    except ValidationError as error:
        return error.messages[0]
    return practice_problem(code) if route == "gp" else None


def is_gp_practice(ods_code, *, active_only=False, using=None):
    """Whether the code is a real GP practice (prescribing setting 4), optionally active."""
    practice = gp_practice(ods_code, using=using)
    if practice is None or not practice.is_gp_practice:
        return False
    return practice.is_active or not active_only


EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)


def distance_km(lat1, long1, lat2, long2):
    """Great-circle (haversine) distance in kilometres between two WGS84 points."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(long2 - long1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))
