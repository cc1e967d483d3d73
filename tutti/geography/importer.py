"""Load the geography files described in ../shared/data/README.md into the geography tables.

`import_geography(directory)` is what `manage.py import_geography DIR` runs. It

* finds whichever known files are in the directory (plain or .gz; official ONS names too),
* checks every chosen file's header before it changes anything, so a bad or missing file is
  an ImportFileError naming it and no table is touched,
* replaces each table inside its own transaction (delete, then insert in batches; on
  PostgreSQL the 2.7 million postcodes go in through COPY), so running it again replaces and
  never duplicates, and readers see the old rows until the new ones are committed,
* counts every row it cannot load, with its line number and reason, and reports them,
* records an ImportRun.

Tables ("parts") and the files each is built from:

    las        la_all_codes.csv                          → LocalAuthority
    postcodes  postcode_lsoa_lookup_uk_derived_nspl_may2025.csv(.gz), or an official
               NSPL / ONSPD / PCD_OA21_LSOA21 lookup     → Postcode
    areas      lsoa21_lookup_centroids_ew.csv, imd2025_england_lsoa21.csv,
               wimd2019_wales_lsoa11.csv, simd2020v2_scotland_datazone2011.csv,
               nimdm2017_northern_ireland_soa2001.csv, ruc2011_lsoa11_england_wales.csv → Area
    gp         epraccur.csv (no header row)              → GPPractice

The Area table is always rebuilt whole from every area file present, so `--only imd` (or
ruc, wimd, …) rebuilds the areas. Areas are built after postcodes, because a new LSOA 2021
code takes its rural-urban class through the postcodes' lsoa21 ↔ lsoa11 pairs (see Area).
"""

import csv
import gzip
import io
import math
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import connections, transaction
from django.db.models import Count
from django.utils import timezone
from tqdm import tqdm

from tutti.core.postcodes import normalise_postcode

from .models import Area, DeprivationIndex, GPPractice, ImportRun, LocalAuthority, Nation, Postcode

PARTS = ("las", "postcodes", "areas", "gp")  # the order they are loaded in
ONLY_ALIASES = {
    "las": "las",
    "la": "las",
    "local_authorities": "las",
    "postcodes": "postcodes",
    "postcode": "postcodes",
    "areas": "areas",
    "lsoa": "areas",
    "centroids": "areas",
    "imd": "areas",
    "wimd": "areas",
    "simd": "areas",
    "nimdm": "areas",
    "ruc": "areas",
    "gp": "gp",
    "epraccur": "gp",
}
POSTCODE_BATCH = 20_000
MAX_BAD_EXAMPLES = 20


class ImportFileError(Exception):
    """A file is missing, unreadable or not in a format we know. The message names it."""


class RowError(ValueError):
    """One row cannot be loaded; the message says why."""


# --- the files we know --------------------------------------------------------------------


@dataclass(frozen=True)
class FileSpec:
    key: str  # also accepted by --only
    part: str
    names: tuple[str, ...]  # exact file names, each also tried with .gz
    columns: dict  # field -> accepted header names, lower case; "prefix*" matches a prefix
    optional: frozenset = frozenset()
    header: bool = True
    patterns: tuple[str, ...] = ()  # glob patterns for official files, tried first


LAD_ALIASES = ("lad_code", "ladcd", "lad25cd", "lad24cd", "lad23cd", "lad22cd", "lad21cd")

SPECS = (
    FileSpec(
        "las",
        "las",
        ("la_all_codes.csv",),
        {
            "code": ("ladcd", "lad25cd", "lad24cd", "lad23cd", "lad22cd", "lad21cd", "lad_code"),
            "name": ("ladnm", "lad25nm", "lad24nm", "lad23nm", "lad22nm", "lad21nm", "lad_name"),
            "current_code": ("ladcd_active",),
            "region": ("rgnnm", "rgn_name"),
            "nation": ("ctrynm",),
            "current": ("current",),
        },
        frozenset({"current_code", "region", "nation", "current"}),
    ),
    FileSpec(
        "postcodes",
        "postcodes",
        ("postcode_lsoa_lookup_uk_derived_nspl_may2025.csv",),
        {
            "postcode": ("pcds", "pcd", "pcd7", "pcd8", "pcd2", "postcode"),
            "lsoa21": ("lsoa21cd", "lsoa21"),
            "lsoa11": ("lsoa11cd", "lsoa11"),
            "lad": LAD_ALIASES + ("laua", "oslaua"),
            "lat": ("lat", "latitude"),
            "long": ("long", "longitude"),
        },
        frozenset({"lsoa11", "lad", "lat", "long"}),
        patterns=("NSPL*.csv", "ONSPD*.csv", "PCD_OA21_LSOA21*.csv"),
    ),
    FileSpec(
        "centroids",
        "areas",
        ("lsoa21_lookup_centroids_ew.csv",),
        {
            "code": ("lsoa21cd",),
            "name": ("lsoa21nm",),
            "lad": LAD_ALIASES,
            "lat": ("centroid_lat", "lat"),
            "long": ("centroid_long", "long"),
        },
        frozenset({"name", "lad", "lat", "long"}),
    ),
    FileSpec(
        "imd",
        "areas",
        (
            "imd2025_england_lsoa21.csv",
            "File_7_IoD2025_All_Ranks_Scores_Deciles_Population_Denominators.csv",
        ),
        {
            "code": ("lsoa21cd", "lsoa code (2021)"),
            "name": ("lsoa21nm", "lsoa name (2021)"),
            "lad": LAD_ALIASES + ("local authority district code (2024)",),
            "decile": ("imd_decile", "index of multiple deprivation (imd) decile*"),
            "rank": ("imd_rank", "index of multiple deprivation (imd) rank*"),
            "score": ("imd_score", "index of multiple deprivation (imd) score"),
            "population": ("population", "total population*"),
        },
        frozenset({"name", "lad", "rank", "score", "population"}),
    ),
    FileSpec(
        "ruc",
        "areas",
        ("ruc2011_lsoa11_england_wales.csv",),
        {
            "code": ("lsoa11cd", "lsoa11_code"),
            "name": ("lsoa11nm",),
            "ruc": ("ruc11cd",),
        },
        frozenset({"name"}),
    ),
    FileSpec(
        "wimd",
        "areas",
        ("wimd2019_wales_lsoa11.csv",),
        {
            "code": ("lsoa11_code", "lsoa11cd"),
            "decile": ("imd_decile",),
            "rank": ("imd_rank",),
            "score": ("imd_score",),
        },
        frozenset({"rank", "score"}),
    ),
    FileSpec(
        "simd",
        "areas",
        ("simd2020v2_scotland_datazone2011.csv",),
        {"code": ("dz11_code", "data_zone"), "decile": ("imd_decile",), "rank": ("imd_rank",)},
        frozenset({"rank"}),
    ),
    FileSpec(
        "nimdm",
        "areas",
        ("nimdm2017_northern_ireland_soa2001.csv",),
        {"code": ("soa01_code", "soa2001"), "decile": ("imd_decile",), "rank": ("imd_rank",)},
        frozenset({"rank"}),
    ),
    FileSpec("gp", "gp", ("epraccur.csv",), {}, header=False),
)
SPECS_BY_KEY = {spec.key: spec for spec in SPECS}

# Which index each deprivation file holds, and what kind of area it is keyed on.
INDEX_FILES = {
    "imd": (DeprivationIndex.IMD2025_ENGLAND, Area.Kind.LSOA21),
    "wimd": (DeprivationIndex.WIMD2019, Area.Kind.LSOA11),
    "simd": (DeprivationIndex.SIMD2020V2, Area.Kind.DATA_ZONE11),
    "nimdm": (DeprivationIndex.NIMDM2017, Area.Kind.SOA01),
}


def find_file(directory, spec):
    """The file in `directory` for this spec, or None. Official files (patterns) come first."""
    directory = Path(directory)
    for pattern in spec.patterns:
        for candidate in sorted(directory.glob(pattern)) + sorted(directory.glob(pattern + ".gz")):
            if candidate.is_file():
                return candidate
    wanted = {n.lower() for name in spec.names for n in (name, name + ".gz")}
    for candidate in sorted(directory.iterdir()):
        if candidate.is_file() and candidate.name.lower() in wanted:
            return candidate
    return None


# --- reading ------------------------------------------------------------------------------


class _ProgressReader(io.RawIOBase):
    """A binary file that moves a tqdm bar by the bytes read from disk."""

    def __init__(self, raw, bar):
        self._raw = raw
        self._bar = bar

    def readable(self):
        return True

    def readinto(self, buffer):
        n = self._raw.readinto(buffer)
        if n:
            self._bar.update(n)
        return n

    def close(self):
        self._raw.close()
        super().close()


class CsvFile:
    """Rows of a CSV file (plain or gzip, with or without a BOM) with a progress bar.

    Iterating yields (line number, list of cells); `column(field)` is the index of a field.
    """

    def __init__(self, path, spec, *, progress=True):
        self.path = Path(path)
        self.spec = spec
        self.progress = progress
        self.header = None
        self.index = {}

    def _open(self, bar):
        raw = open(self.path, "rb")  # noqa: SIM115 - closed through the wrapper
        gzipped = raw.read(2) == b"\x1f\x8b"
        raw.seek(0)
        binary = io.BufferedReader(_ProgressReader(raw, bar), 1 << 20)
        if gzipped:
            binary = gzip.GzipFile(fileobj=binary, mode="rb")
        return io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")

    def check(self):
        """Read the header only; raise ImportFileError if the file is not what we need."""
        bar = tqdm(disable=True)
        try:
            with self._open(bar) as text:
                first = next(csv.reader(text), None)
        except (OSError, EOFError, gzip.BadGzipFile) as error:
            raise ImportFileError(f"{self.path}: cannot be read ({error}).") from error
        except UnicodeDecodeError as error:
            raise ImportFileError(f"{self.path}: is not UTF-8 text; save it as UTF-8.") from error
        except csv.Error as error:
            raise ImportFileError(f"{self.path}: is not a CSV file ({error}).") from error
        if first is None:
            raise ImportFileError(f"{self.path}: is empty.")
        if self.spec.header:
            self._map_header(first)
        elif len(first) < 13:
            raise ImportFileError(
                f"{self.path}: expected the ODS epraccur layout (27 columns, no header row); "
                f"the first row has {len(first)} columns."
            )

    def _map_header(self, header):
        cells = [cell.strip().lower() for cell in header]
        self.header = header
        self.index = {}
        missing = []
        for name, aliases in self.spec.columns.items():
            position = None
            for alias in aliases:
                if alias.endswith("*"):
                    position = next(
                        (i for i, c in enumerate(cells) if c.startswith(alias[:-1])), None
                    )
                elif alias in cells:
                    position = cells.index(alias)
                if position is not None:
                    break
            if position is None:
                if name not in self.spec.optional:
                    missing.append(f"{name} (one of: {', '.join(aliases)})")
            else:
                self.index[name] = position
        if missing:
            raise ImportFileError(
                f"{self.path}: has no column for {'; '.join(missing)}. "
                f"Its header is: {', '.join(header[:30])}"
            )

    def __iter__(self):
        bar = tqdm(
            total=self.path.stat().st_size,
            unit="B",
            unit_scale=True,
            unit_divisor=1024,
            desc=self.path.name,
            disable=not self.progress,
            leave=True,
            mininterval=0.5,
        )
        try:
            with self._open(bar) as text:
                reader = csv.reader(text)
                if self.spec.header:
                    self._map_header(next(reader))
                for row in reader:
                    if not row or (len(row) == 1 and not row[0].strip()):
                        continue  # a blank line is not a row
                    yield reader.line_num, row
        except UnicodeDecodeError as error:
            raise ImportFileError(f"{self.path}: is not UTF-8 text; save it as UTF-8.") from error
        except (OSError, EOFError, gzip.BadGzipFile) as error:
            raise ImportFileError(f"{self.path}: cannot be read ({error}).") from error
        except csv.Error as error:
            raise ImportFileError(f"{self.path}: is not valid CSV ({error}).") from error
        finally:
            bar.close()

    def get(self, row, name):
        """The stripped cell for `name`, or "" when the column is absent or the row short."""
        position = self.index.get(name)
        if position is None:
            return ""
        if position >= len(row):
            raise RowError(f"has {len(row)} columns, expected at least {position + 1}")
        return row[position].strip()


# --- parsing cells ------------------------------------------------------------------------


def _code(value, what):
    if not value:
        return None
    if len(value) > 9 or not value.isalnum():
        raise RowError(f"{what} {value!r} is not an area code")
    return value.upper()


def _int(value, what, *, low=None, high=None):
    if not value:
        return None
    try:
        number = int(float(value)) if "." in value else int(value.replace(",", ""))
    except ValueError:
        raise RowError(f"{what} {value!r} is not a number") from None
    if (low is not None and number < low) or (high is not None and number > high):
        raise RowError(f"{what} {value!r} is out of range")
    return number


def _float(value, what):
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise RowError(f"{what} {value!r} is not a number") from None
    if math.isnan(number):
        return None
    return number


def _lat_long(lat, long):
    lat = _float(lat, "lat")
    long = _float(long, "long")
    # NSPL and ONSPD write 99.999999, 0 for a postcode with no grid reference.
    if lat is None or long is None or abs(lat - 99.999999) < 1e-9:
        return None, None
    if not (-90 <= lat <= 90):
        raise RowError(f"lat {lat} is out of range")
    if not (-180 <= long <= 180):
        raise RowError(f"long {long} is out of range")
    return lat, long


def _yyyymmdd(value, what):
    if not value:
        return None
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:8]))
    except ValueError:
        raise RowError(f"{what} {value!r} is not a date (YYYYMMDD)") from None


NATION_BY_PREFIX = {
    "E": Nation.ENGLAND,
    "W": Nation.WALES,
    "S": Nation.SCOTLAND,
    "N": Nation.NORTHERN_IRELAND,
    "9": Nation.NORTHERN_IRELAND,  # NI SOA 2001 codes: 95AA01S1
}


def nation_of(code):
    return NATION_BY_PREFIX.get((code or " ")[0])


# --- the report of one file ---------------------------------------------------------------

_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


@dataclass
class FileReport:
    key: str
    path: Path
    rows: int = 0
    loaded: int = 0
    bad: int = 0
    seconds: float = 0.0
    reasons: Counter = field(default_factory=Counter)
    examples: list = field(default_factory=list)

    def reject(self, line, error):
        reason = str(error)
        self.bad += 1
        # Group reasons without the value, so the summary stays short.
        self.reasons[_QUOTED.sub("…", reason)] += 1
        if len(self.examples) < MAX_BAD_EXAMPLES:
            self.examples.append({"file": self.path.name, "line": line, "reason": reason})

    def as_dict(self):
        return {
            "key": self.key,
            "file": self.path.name,
            "rows": self.rows,
            "loaded": self.loaded,
            "bad": self.bad,
            "bad_reasons": dict(self.reasons.most_common()),
            "seconds": round(self.seconds, 2),
        }


# --- the loaders --------------------------------------------------------------------------


def _delete_all(model, using):
    connection = connections[using]
    with connection.cursor() as cursor:
        # DELETE, not TRUNCATE: readers keep seeing the old rows until the new ones commit.
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


def _replace(model, using, rows, reports, max_bad, *, batch_size=2000):
    """In one transaction: delete every row of `model`, insert `rows` (model instances)."""
    with transaction.atomic(using=using):
        _check_bad(reports, max_bad)
        _delete_all(model, using)
        model.objects.using(using).bulk_create(rows, batch_size=batch_size)


def _check_bad(reports, max_bad):
    """Refuse a file most of whose rows cannot be loaded (a wrong file, not a few bad rows).

    Called inside the table's transaction, so raising leaves the table as it was.
    """
    for report in reports:
        if report.rows and (report.loaded == 0 or report.bad > max_bad * report.rows):
            raise ImportFileError(
                f"{report.path}: {report.bad} of {report.rows} rows could not be loaded "
                f"(for example line {report.examples[0]['line']}: "
                f"{report.examples[0]['reason']}); the table was left as it was."
                if report.examples
                else f"{report.path}: no row could be loaded; the table was left as it was."
            )


def load_local_authorities(csv_file, report, using, max_bad):
    authorities = {}
    for line, row in csv_file:
        report.rows += 1
        try:
            code = _code(csv_file.get(row, "code"), "LA code")
            name = csv_file.get(row, "name")
            if not code or not name:
                raise RowError("has no LA code or name")
            current_code = _code(csv_file.get(row, "current_code"), "current code") or code
            current = csv_file.get(row, "current").upper()
            nation = csv_file.get(row, "nation")
            authorities[code] = LocalAuthority(
                code=code,
                name=name,
                region_name=csv_file.get(row, "region"),
                nation=nation if nation in Nation.values else (nation_of(code) or ""),
                current_code=current_code,
                is_current=(current == "TRUE") if current else current_code == code,
            )
            report.loaded += 1
        except RowError as error:
            report.reject(line, error)
    _replace(LocalAuthority, using, list(authorities.values()), [report], max_bad)


def _postcode_rows(csv_file, report):
    seen = set()
    for line, row in csv_file:
        report.rows += 1
        try:
            raw = csv_file.get(row, "postcode")
            try:
                postcode = normalise_postcode(raw)
            except ValidationError:
                raise RowError(f"postcode {raw!r} is not a valid postcode (BS 7666)") from None
            if postcode in seen:
                raise RowError(f"postcode {postcode!r} appears twice")
            seen.add(postcode)
            lat, long = _lat_long(csv_file.get(row, "lat"), csv_file.get(row, "long"))
            yield (
                postcode,
                _code(csv_file.get(row, "lsoa21"), "lsoa21"),
                _code(csv_file.get(row, "lsoa11"), "lsoa11"),
                _code(csv_file.get(row, "lad"), "LA code"),
                lat,
                long,
            )
        except RowError as error:
            report.reject(line, error)


def _batches(iterable, size):
    batch = []
    for item in iterable:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def load_postcodes(csv_file, report, using, max_bad):
    connection = connections[using]
    table = connection.ops.quote_name(Postcode._meta.db_table)
    columns = [
        Postcode._meta.get_field(name).column
        for name in ("postcode", "lsoa21", "lsoa11", "local_authority", "lat", "long")
    ]
    column_list = ", ".join(connection.ops.quote_name(c) for c in columns)
    rows = _postcode_rows(csv_file, report)
    with transaction.atomic(using=using), connection.cursor() as cursor:
        _delete_all(Postcode, using)
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    report.loaded += 1
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {table} ({column_list}) VALUES ({placeholders})"
            for batch in _batches(rows, POSTCODE_BATCH):
                cursor.executemany(sql, batch)
                report.loaded += len(batch)
        _check_bad([report], max_bad)
    if connection.vendor == "postgresql":
        # The DELETE left the old rows dead: VACUUM makes their space reusable by the next
        # import (it cannot run inside a transaction, e.g. in tests; autovacuum does it then).
        with connection.cursor() as cursor:
            vacuum = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
            cursor.execute(f"{vacuum} {table}")


def _read_areas(csv_file, report, areas, key):
    """Merge one area file's rows into `areas` (code -> dict of Area fields)."""
    index, kind = INDEX_FILES.get(key, (None, None))
    for line, row in csv_file:
        report.rows += 1
        try:
            code = _code(csv_file.get(row, "code"), "area code")
            if not code:
                raise RowError("has no area code")
            if key == "centroids":
                lat, long = _lat_long(csv_file.get(row, "lat"), csv_file.get(row, "long"))
                area = areas.setdefault(code, {"code": code, "kind": Area.Kind.LSOA21})
                area["kind"] = Area.Kind.LSOA21
                area["name"] = csv_file.get(row, "name") or area.get("name", "")
                area["local_authority_id"] = _code(csv_file.get(row, "lad"), "LA code")
                area["centroid_lat"], area["centroid_long"] = lat, long
            elif key == "ruc":
                ruc = csv_file.get(row, "ruc").upper()
                if ruc not in RURAL_URBAN_LABELS:
                    raise RowError(f"rural-urban code {ruc!r} is not an RUC 2011 code")
                area = areas.setdefault(code, {"code": code, "kind": Area.Kind.LSOA11})
                area.setdefault("name", csv_file.get(row, "name"))
                area["rural_urban_code"] = ruc
            else:
                decile = _int(csv_file.get(row, "decile"), "decile", low=1, high=10)
                if decile is None:
                    raise RowError("has no decile")
                area = areas.setdefault(code, {"code": code, "kind": kind})
                if key == "imd":
                    area["kind"] = Area.Kind.LSOA21
                    if csv_file.get(row, "name"):
                        area.setdefault("name", csv_file.get(row, "name"))
                    if csv_file.get(row, "lad"):
                        area.setdefault(
                            "local_authority_id", _code(csv_file.get(row, "lad"), "LA code")
                        )
                    area["population"] = _int(csv_file.get(row, "population"), "population")
                area["imd_index"] = index
                area["imd_decile"] = decile
                area["imd_rank"] = _int(csv_file.get(row, "rank"), "rank", low=1)
                area["imd_score"] = _float(csv_file.get(row, "score"), "score")
            report.loaded += 1
        except RowError as error:
            report.reject(line, error)


def _carry_rural_urban(areas, using):
    """Give each LSOA 2021 its RUC 2011 (see the Area docstring for the rule).

    Returns counts by basis. The lsoa21 ↔ lsoa11 pairs come from the Postcode table.
    """
    ruc_by_2011 = {
        code: area["rural_urban_code"]
        for code, area in areas.items()
        if area.get("rural_urban_code")
    }
    for area in areas.values():
        if area.get("rural_urban_code"):
            area["rural_urban_basis"] = Area.RuralUrbanBasis.SAME_CODE
    needing = {
        code
        for code, area in areas.items()
        if area["kind"] == Area.Kind.LSOA21 and not area.get("rural_urban_code")
    }
    counts = Counter()
    if not needing or not ruc_by_2011:
        return counts
    pairs = defaultdict(Counter)
    query = (
        Postcode.objects.using(using)
        .filter(lsoa21__isnull=False)
        .values_list("lsoa21_id", "lsoa11_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for lsoa21, lsoa11, n in query.iterator(chunk_size=10_000):
        if lsoa21 in needing:
            pairs[lsoa21][lsoa11] += n
    for code in needing:
        paired = pairs.get(code)
        if not paired:
            counts["no postcodes"] += 1
            continue
        total = sum(paired.values())
        top, top_n = paired.most_common(1)[0]
        codes = {ruc_by_2011.get(lsoa11) for lsoa11 in paired}
        area = areas[code]
        if top_n * 3 >= total * 2 and ruc_by_2011.get(top):
            area["rural_urban_code"] = ruc_by_2011[top]
            area["rural_urban_basis"] = Area.RuralUrbanBasis.DOMINANT
        elif len(codes) == 1 and None not in codes:
            area["rural_urban_code"] = codes.pop()
            area["rural_urban_basis"] = Area.RuralUrbanBasis.AGREE
        else:
            counts["left empty"] += 1
            continue
        counts[area["rural_urban_basis"]] += 1
    return counts


def load_areas(files, reports, using, max_bad):
    """Build every Area from all the area files present, then replace the table."""
    areas = {}
    order = ("centroids", "imd", "ruc", "wimd", "simd", "nimdm")
    for key in sorted(files, key=order.index):
        started = time.perf_counter()
        _read_areas(files[key], reports[key], areas, key)
        reports[key].seconds = time.perf_counter() - started
    carried = _carry_rural_urban(areas, using)
    rows = []
    for values in areas.values():
        values.setdefault("name", "")
        values["name"] = (values["name"] or "")[:100]
        rows.append(Area(**values))
    _replace(Area, using, rows, list(reports.values()), max_bad)
    return carried


GP_STATUS = {
    "A": GPPractice.Status.ACTIVE,
    "C": GPPractice.Status.CLOSED,
    "D": GPPractice.Status.DORMANT,
    "P": GPPractice.Status.PROPOSED,
}


def load_gp_practices(csv_file, report, using, max_bad):
    practices = {}
    for line, row in csv_file:
        report.rows += 1
        try:
            if line == 1 and row[0].strip().lower().startswith("organisation"):
                report.rows -= 1  # a header row, as in some ODS downloads
                continue
            if len(row) < 13:
                raise RowError(f"has {len(row)} columns, expected 27 (ODS epraccur layout)")
            code = row[0].strip().upper()
            if not code or len(code) > 10 or not code.isalnum():
                raise RowError(f"ODS code {row[0]!r} is not an ODS code")
            status = GP_STATUS.get(row[12].strip().upper())
            if status is None:
                raise RowError(f"status code {row[12]!r} is not A, C, D or P")
            raw_postcode = row[9].strip()
            try:
                postcode = normalise_postcode(raw_postcode) if raw_postcode else ""
            except ValidationError:
                postcode = raw_postcode.upper()[:10]  # kept as given, not corrected
            practices[code] = GPPractice(
                ods_code=code,
                name=row[1].strip()[:200],
                postcode=postcode,
                status=status,
                prescribing_setting=_int(row[25].strip(), "prescribing setting", low=0)
                if len(row) > 25
                else None,
                commissioner_code=row[14].strip()[:10] if len(row) > 14 else "",
                open_date=_yyyymmdd(row[10].strip(), "open date"),
                close_date=_yyyymmdd(row[11].strip(), "close date"),
            )
            report.loaded += 1
        except RowError as error:
            report.reject(line, error)
    _replace(GPPractice, using, list(practices.values()), [report], max_bad)


# --- the whole run ------------------------------------------------------------------------


RURAL_URBAN_LABELS = {
    "A1": "Urban: major conurbation",
    "B1": "Urban: minor conurbation",
    "C1": "Urban: city and town",
    "C2": "Urban: city and town in a sparse setting",
    "D1": "Rural: town and fringe",
    "D2": "Rural: town and fringe in a sparse setting",
    "E1": "Rural: village and dispersed",
    "E2": "Rural: village and dispersed in a sparse setting",
}


def parse_only(only):
    """'postcodes,imd' -> {'postcodes', 'areas'}, or an ImportFileError naming the unknown."""
    if not only:
        return None
    parts = set()
    for word in (w.strip().lower() for w in only.split(",")):
        if not word:
            continue
        if word not in ONLY_ALIASES:
            raise ImportFileError(
                f"--only {word!r} is not known; use some of: {', '.join(sorted(ONLY_ALIASES))}"
            )
        parts.add(ONLY_ALIASES[word])
    return parts


@dataclass
class ImportResult:
    run: ImportRun
    reports: list

    @property
    def bad(self):
        return sum(r.bad for r in self.reports)


def import_geography(directory, *, only=None, progress=True, using="default", max_bad=0.05):
    """Import the known files in `directory`. See the module docstring."""
    directory = Path(directory)
    if not directory.is_dir():
        raise ImportFileError(f"{directory}: is not a directory.")
    wanted_parts = parse_only(only)
    # Files named in --only (e.g. imd) must be there; so must some file of each part named.
    required_keys = {
        word
        for word in (w.strip().lower() for w in (only or "").split(","))
        if word in SPECS_BY_KEY
    }

    # Find and check the files first: nothing is changed if any is bad or missing.
    chosen = {}
    for spec in SPECS:
        if wanted_parts is not None and spec.part not in wanted_parts:
            continue
        path = find_file(directory, spec)
        if path is None:
            if spec.key in required_keys:
                raise ImportFileError(_not_found(directory, [spec]))
            continue
        csv_file = CsvFile(path, spec, progress=progress)
        csv_file.check()
        chosen[spec.key] = csv_file
    for part in sorted(wanted_parts or ()):
        if not any(SPECS_BY_KEY[key].part == part for key in chosen):
            raise ImportFileError(_not_found(directory, [s for s in SPECS if s.part == part]))
    if not chosen:
        raise ImportFileError(
            f"{directory}: holds none of the geography files "
            f"({', '.join(name for spec in SPECS for name in spec.names)})."
        )

    reports = {key: FileReport(key, csv_file.path) for key, csv_file in chosen.items()}
    run = ImportRun.objects.using(using).create(
        started_at=timezone.now(),
        directory=str(directory),
        parts=[p for p in PARTS if any(SPECS_BY_KEY[k].part == p for k in chosen)],
    )
    started = time.perf_counter()
    notes = []
    try:
        for part in PARTS:
            keys = [k for k in chosen if SPECS_BY_KEY[k].part == part]
            if not keys:
                continue
            part_started = time.perf_counter()
            if part == "las":
                load_local_authorities(chosen["las"], reports["las"], using, max_bad)
            elif part == "postcodes":
                load_postcodes(chosen["postcodes"], reports["postcodes"], using, max_bad)
            elif part == "gp":
                load_gp_practices(chosen["gp"], reports["gp"], using, max_bad)
            elif part == "areas":
                carried = load_areas(
                    {k: chosen[k] for k in keys}, {k: reports[k] for k in keys}, using, max_bad
                )
                if carried:
                    notes.append(
                        "RUC 2011 for new LSOA 2021 codes: "
                        + ", ".join(f"{basis}: {n}" for basis, n in sorted(carried.items()))
                    )
            if part != "areas":  # area files are timed one by one as they are read
                reports[keys[0]].seconds = time.perf_counter() - part_started
    except Exception as error:
        run.status = ImportRun.Status.FAILED
        run.message = str(error)
        _finish(run, reports, started, using)
        raise
    run.status = ImportRun.Status.OK
    run.message = "\n".join(notes)
    _finish(run, reports, started, using)
    return ImportResult(run=run, reports=list(reports.values()))


def _not_found(directory, specs):
    names = [n for spec in specs for n in spec.names] + [p for s in specs for p in s.patterns]
    return f"{directory / specs[0].names[0]}: not found (looked for {', '.join(names)}, or .gz)."


def _finish(run, reports, started, using):
    run.finished_at = timezone.now()
    run.seconds = round(time.perf_counter() - started, 2)
    run.files = [r.as_dict() for r in reports.values()]
    run.bad_rows = [e for r in reports.values() for e in r.examples]
    run.counts = table_counts(using)
    run.save(using=using)


def table_counts(using="default"):
    return {
        model._meta.model_name: model.objects.using(using).count()
        for model in (LocalAuthority, Area, Postcode, GPPractice)
    }
