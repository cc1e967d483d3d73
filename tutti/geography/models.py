"""UK geography reference data: postcode → LSOA → deprivation decile, local authority, rurality.

Loaded by `manage.py import_geography DIR` (see tutti/geography/importer.py), never edited by
hand: every table is replaced whole by each import. Read it through
tutti.geography.services.resolve_postcode.

Nothing else should hold a database foreign key to these tables: an import deletes and
re-inserts their rows. Store the codes (postcode, LSOA code, LA code) as plain values instead.
"""

from django.db import models


class Nation(models.TextChoices):
    ENGLAND = "England"
    WALES = "Wales"
    SCOTLAND = "Scotland"
    NORTHERN_IRELAND = "Northern Ireland"


class DeprivationIndex(models.TextChoices):
    """Each nation has its own index; their deciles are not comparable across nations."""

    IMD2025_ENGLAND = "IMD 2025 (England)"
    WIMD2019 = "WIMD 2019"
    SIMD2020V2 = "SIMD 2020v2"
    NIMDM2017 = "NIMDM 2017"


class LocalAuthority(models.Model):
    """A lower-tier local authority district, current or former (then `is_current` is False)."""

    code = models.CharField(max_length=9, primary_key=True)
    name = models.CharField(max_length=100)
    region_name = models.CharField(max_length=60, blank=True)
    nation = models.CharField(max_length=20, choices=Nation.choices, blank=True)
    current_code = models.CharField(
        max_length=9, blank=True, help_text="The code now in use for this area."
    )
    is_current = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "local authorities"

    def __str__(self):
        return f"{self.name} ({self.code})"


class Area(models.Model):
    """A small statistical area: LSOA 2021, LSOA 2011, Scottish Data Zone 2011 or NI SOA 2001.

    An LSOA whose code is the same in 2011 and 2021 is the same area (ONS gives a changed
    LSOA a new code), so it is one row, of kind LSOA 2021, carrying both the 2021 data (name,
    IMD 2025, centroid) and the 2011 data (RUC 2011, WIMD 2019). A 2011 code that no longer
    exists in 2021 is a row of kind LSOA 2011.

    Deprivation is the nation's own index (`imd_index` says which). Rural-urban class is the
    ONS RUC 2011, defined on LSOA 2011; `rural_urban_basis` says how an LSOA 2021 got it:

    * "same code": the LSOA 2021 has the same code as an LSOA 2011, so the same boundary.
    * "dominant 2011 code": a new LSOA 2021 code (a split, merge or redrawn area) takes the
      RUC of the LSOA 2011 that holds at least two thirds of its postcodes, counting the
      postcode lookup's lsoa21cd ↔ lsoa11cd pairs.
    * "2011 codes agree": no 2011 code holds two thirds (typically a merge), but every LSOA
      2011 its postcodes fall in has the same RUC code, so that code is taken.
    * blank: none of these holds; the RUC is left empty rather than guessed.

    Population is filled only when the deprivation file has a population column (the
    official MHCLG File 7 does; the derived IMD 2025 file in shared/data does not).
    """

    class Kind(models.TextChoices):
        LSOA21 = "lsoa21", "LSOA 2021"
        LSOA11 = "lsoa11", "LSOA 2011"
        DATA_ZONE11 = "dz11", "Data Zone 2011 (Scotland)"
        SOA01 = "soa01", "Super Output Area 2001 (Northern Ireland)"

    class RuralUrbanBasis(models.TextChoices):
        SAME_CODE = "same code"
        DOMINANT = "dominant 2011 code"
        AGREE = "2011 codes agree"

    code = models.CharField(max_length=9, primary_key=True)
    name = models.CharField(max_length=100, blank=True)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    local_authority = models.ForeignKey(
        LocalAuthority,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    imd_index = models.CharField(max_length=20, choices=DeprivationIndex.choices, blank=True)
    imd_decile = models.PositiveSmallIntegerField(null=True, blank=True)
    imd_rank = models.PositiveIntegerField(null=True, blank=True)
    imd_score = models.FloatField(null=True, blank=True)
    rural_urban_code = models.CharField(max_length=2, blank=True)
    rural_urban_basis = models.CharField(max_length=20, choices=RuralUrbanBasis.choices, blank=True)
    population = models.PositiveIntegerField(null=True, blank=True)
    centroid_lat = models.FloatField(null=True, blank=True)
    centroid_long = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}".strip()


class Postcode(models.Model):
    """One row of the postcode lookup (2.7 million rows: kept narrow, indexed by its key only).

    Terminated postcodes are included (the source does not flag them). Codes are kept as
    given even when no Area or LocalAuthority row exists for them, hence no database
    constraints on these keys.
    """

    postcode = models.CharField(max_length=8, primary_key=True)  # normalised, "SW1A 1AA"
    lsoa21 = models.ForeignKey(
        Area,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    lsoa11 = models.ForeignKey(
        Area,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    local_authority = models.ForeignKey(
        LocalAuthority,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    lat = models.FloatField(null=True, blank=True)
    long = models.FloatField(null=True, blank=True)

    def __str__(self):
        return self.postcode


class GPPractice(models.Model):
    """An organisation from the NHS ODS epraccur file: GP practices and other prescribing
    cost centres. Only prescribing setting 4 is a GP practice."""

    GP_PRACTICE_SETTING = 4

    class Status(models.TextChoices):
        ACTIVE = "active"
        CLOSED = "closed"
        DORMANT = "dormant"
        PROPOSED = "proposed"

    ods_code = models.CharField(max_length=10, primary_key=True)
    name = models.CharField(max_length=200)
    postcode = models.CharField(max_length=10, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices)
    prescribing_setting = models.PositiveSmallIntegerField(null=True, blank=True)
    commissioner_code = models.CharField(max_length=10, blank=True)
    open_date = models.DateField(null=True, blank=True)
    close_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["ods_code"]
        verbose_name = "GP practice"

    def __str__(self):
        return f"{self.ods_code} {self.name}"

    @property
    def is_gp_practice(self):
        return self.prescribing_setting == self.GP_PRACTICE_SETTING

    @property
    def is_active(self):
        return self.status == self.Status.ACTIVE


class ImportRun(models.Model):
    """One run of import_geography: what was loaded, from which files, how long it took."""

    class Status(models.TextChoices):
        RUNNING = "running"
        OK = "ok"
        FAILED = "failed"

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True)
    directory = models.CharField(max_length=500)
    parts = models.JSONField(default=list)
    files = models.JSONField(
        default=list, help_text="One entry per file: name, part, rows, loaded, bad, seconds."
    )
    counts = models.JSONField(default=dict, help_text="Rows in each table after the run.")
    bad_rows = models.JSONField(
        default=list, help_text="The first rows that could not be loaded, with line and reason."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self):
        return f"Geography import {self.started_at:%Y-%m-%d %H:%M} ({self.status})"


class AreaBoundary(models.Model):
    """The simplified outline of an LSOA 2021, for drawing maps (never for finding which area
    a point is in: the postcode lookup does that).

    Loaded by `manage.py import_boundaries FILE` from a GeoJSON FeatureCollection such as
    ../shared/data/lsoa21_boundaries_ew_simplified.geojson.gz (see tutti/geography/
    boundaries.py); optional: without it, reports show tables and charts but no map. Every
    import replaces the table whole. The geometry is kept as its GeoJSON text in WGS84
    (longitude, latitude), with its bounding box so a map of one local authority can be
    framed without reading every outline.
    """

    code = models.CharField(max_length=9, primary_key=True)
    name = models.CharField(max_length=100, blank=True)
    local_authority_code = models.CharField(max_length=9)
    geometry = models.TextField(help_text="GeoJSON Polygon or MultiPolygon, WGS84")
    min_long = models.FloatField()
    min_lat = models.FloatField()
    max_long = models.FloatField()
    max_lat = models.FloatField()

    class Meta:
        ordering = ["code"]
        indexes = [models.Index(fields=["local_authority_code"], name="geography_boundary_la")]
        verbose_name_plural = "area boundaries"

    def __str__(self):
        return f"{self.code} {self.name}".strip()
