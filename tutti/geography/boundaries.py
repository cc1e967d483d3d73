"""LSOA boundaries for maps: read a GeoJSON FeatureCollection of LSOA 2021 outlines and keep
each one as an AreaBoundary. Optional: the reports draw a map only when these are loaded.

The file is ../shared/data/lsoa21_boundaries_ew_simplified.geojson.gz (35,672 features, 43 MB
unzipped: ONS LSOA 2021 generalised clipped boundaries, simplified; see its README), or any
FeatureCollection whose features carry an LSOA code property (`LSOA21CD`, any case) and a
Polygon or MultiPolygon geometry in WGS84. `LSOA21NM` and `LAD_CODE` are read when present;
without `LAD_CODE` the local authority is taken from the imported Area of the same code.

The file is decoded one feature at a time (`json.JSONDecoder.raw_decode` over the text), so
memory holds the text and one batch of rows, never 35,000 parsed geometries at once. Every
import replaces the table whole in one transaction; a file that is not a FeatureCollection, or
with more than `max_bad` of its features unusable, is refused before anything changes.

The committed sample (tutti/geography/data/sample/lsoa21_boundaries_ew_simplified.geojson.gz,
Camden's 130 LSOAs) is written by `manage.py extract_boundaries_sample`, the features copied
unchanged from the full file.
"""

import gzip
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from .models import Area, AreaBoundary, ImportRun

FILE_NAME = "lsoa21_boundaries_ew_simplified.geojson.gz"
CODE_KEYS = ("lsoa21cd", "lsoa_code", "code")
NAME_KEYS = ("lsoa21nm", "lsoa_name", "name")
LA_KEYS = ("lad_code", "lad24cd", "lad22cd", "lad21cd", "ladcd")
BATCH = 2000
SAMPLE_LAS = ("E09000007",)  # Camden


class BoundaryFileError(Exception):
    """The file cannot be used at all; nothing was changed."""


@dataclass
class BoundaryImport:
    path: Path
    features: int = 0
    loaded: int = 0
    bad: list = field(default_factory=list)  # (feature number, reason), the first 20
    bad_count: int = 0
    seconds: float = 0.0
    run: ImportRun | None = None


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise BoundaryFileError(f"{path}: cannot be read ({error}).") from error
    try:
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        return raw.decode("utf-8-sig")
    except (OSError, EOFError) as error:
        raise BoundaryFileError(f"{path}: is not a readable gzip file ({error}).") from error
    except UnicodeDecodeError as error:
        raise BoundaryFileError(f"{path}: is not UTF-8 text.") from error


def _features(text: str, path: Path, bar):
    """Each feature of the FeatureCollection in `text`, decoded one at a time."""
    decoder = json.JSONDecoder()
    head = text[:2000]
    if '"FeatureCollection"' not in head or '"features"' not in text:
        raise BoundaryFileError(f"{path}: is not a GeoJSON FeatureCollection.")
    start = text.find("[", text.find('"features"'))
    if start < 0:
        raise BoundaryFileError(f"{path}: has no list of features.")
    position, seen = start + 1, start + 1
    length = len(text)
    while True:
        while position < length and text[position] in " \t\r\n,":
            position += 1
        if position >= length:
            raise BoundaryFileError(f"{path}: ends before its list of features does.")
        if text[position] == "]":
            break
        try:
            feature, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError as error:
            raise BoundaryFileError(f"{path}: is not valid JSON ({error.msg}).") from error
        bar.update(position - seen)
        seen = position
        yield feature


def _property(properties, keys):
    lowered = {str(k).lower(): v for k, v in properties.items()}
    for key in keys:
        value = lowered.get(key)
        if value not in (None, ""):
            return str(value).strip()
    return ""


def _rings(geometry):
    if geometry["type"] == "Polygon":
        return geometry["coordinates"]
    return [ring for polygon in geometry["coordinates"] for ring in polygon]


def boundary_row(feature, la_of_area):
    """An AreaBoundary from one feature, or a reason it cannot be used (a str)."""
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return "not a GeoJSON Feature"
    code = _property(feature.get("properties") or {}, CODE_KEYS).upper()
    if not code:
        return "no LSOA code (LSOA21CD)"
    if len(code) != 9:
        return f"{code!r} is not an LSOA code"
    geometry = feature.get("geometry") or {}
    if geometry.get("type") not in ("Polygon", "MultiPolygon"):
        return f"{code}: the geometry is not a Polygon or MultiPolygon"
    try:
        points = [point for ring in _rings(geometry) for point in ring]
        longs = [float(p[0]) for p in points]
        lats = [float(p[1]) for p in points]
    except (TypeError, ValueError, IndexError, KeyError):
        return f"{code}: the coordinates are not [longitude, latitude] pairs"
    if len(points) < 4:
        return f"{code}: the outline has fewer than 4 points"
    if not (-180 <= min(longs) <= max(longs) <= 180 and -90 <= min(lats) <= max(lats) <= 90):
        return f"{code}: the coordinates are not longitude and latitude (WGS84)"
    properties = feature.get("properties") or {}
    la_code = _property(properties, LA_KEYS).upper() or la_of_area.get(code, "")
    return AreaBoundary(
        code=code,
        name=_property(properties, NAME_KEYS)[:100],
        local_authority_code=la_code,
        geometry=json.dumps(
            {"type": geometry["type"], "coordinates": geometry["coordinates"]},
            separators=(",", ":"),
        ),
        min_long=min(longs),
        min_lat=min(lats),
        max_long=max(longs),
        max_lat=max(lats),
    )


def import_boundaries(path, *, progress=True, max_bad=0.05, using="default") -> BoundaryImport:
    """Replace the boundaries with those in the file. Raises BoundaryFileError (nothing
    changed) when the file cannot be used."""
    path = Path(path)
    started, clock = timezone.now(), time.monotonic()
    result = BoundaryImport(path)
    text = _read_text(path)
    la_of_area = dict(
        Area.objects.using(using)
        .exclude(local_authority_id=None)
        .values_list("code", "local_authority_id")
    )
    rows = {}
    with tqdm(
        total=len(text), desc="Reading boundaries", unit="B", unit_scale=True, disable=not progress
    ) as bar:
        for number, feature in enumerate(_features(text, path, bar), start=1):
            result.features += 1
            row = boundary_row(feature, la_of_area)
            if isinstance(row, str):
                result.bad_count += 1
                if len(result.bad) < 20:
                    result.bad.append((number, row))
                continue
            rows[row.code] = row  # a code given twice: the later outline is kept
    del text
    if not result.features:
        raise BoundaryFileError(f"{path}: has no features.")
    if result.bad_count > max_bad * result.features:
        first = "; ".join(f"feature {n}: {reason}" for n, reason in result.bad[:3])
        raise BoundaryFileError(
            f"{path}: {result.bad_count:,} of {result.features:,} features cannot be used "
            f"(more than {max_bad:.0%}), so nothing was imported. First: {first}."
        )
    batch = list(rows.values())
    with transaction.atomic(using=using):
        AreaBoundary.objects.using(using).all().delete()
        with tqdm(
            total=len(batch), desc="Saving boundaries", unit=" areas", disable=not progress
        ) as bar:
            for start in range(0, len(batch), BATCH):
                chunk = batch[start : start + BATCH]
                AreaBoundary.objects.using(using).bulk_create(chunk)
                bar.update(len(chunk))
    result.loaded = len(batch)
    result.seconds = time.monotonic() - clock
    result.run = ImportRun.objects.using(using).create(
        started_at=started,
        finished_at=timezone.now(),
        seconds=result.seconds,
        directory=str(path.parent),
        parts=["boundaries"],
        files=[
            {
                "name": path.name,
                "part": "boundaries",
                "rows": result.features,
                "loaded": result.loaded,
                "bad": result.bad_count,
                "seconds": round(result.seconds, 2),
            }
        ],
        counts={"areaboundary": result.loaded},
        bad_rows=[
            {"file": path.name, "line": n, "reason": reason} for n, reason in result.bad[:20]
        ],
        status=ImportRun.Status.OK,
    )
    return result


def extract_sample(source: Path, dest: Path, la_codes=SAMPLE_LAS) -> int:
    """Write the features of the given local authorities from `source` to `dest` (gzip, no
    timestamp, so the same input always writes the same bytes). Returns the feature count."""
    text = _read_text(source)
    try:
        name = json.loads(text[: text.find('"features"')].rstrip(", ") + "}").get("name", "")
    except json.JSONDecodeError:
        name = ""
    wanted = set(la_codes)
    features = [
        feature
        for feature in _features(text, source, tqdm(disable=True))
        if _property(feature.get("properties") or {}, LA_KEYS).upper() in wanted
    ]
    body = json.dumps(
        {"type": "FeatureCollection", "name": name, "features": features},
        separators=(",", ":"),
        ensure_ascii=False,
    )
    with open(dest, "wb") as raw, gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0) as gz:
        gz.write(body.encode("utf-8"))
    return len(features)
