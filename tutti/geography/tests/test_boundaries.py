"""import_boundaries: LSOA outlines for maps, replaced whole, bad files refused, the sample
reproducible from the shared file."""

import gzip
import json
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from tutti.geography.boundaries import FILE_NAME, extract_sample
from tutti.geography.models import Area, AreaBoundary, ImportRun

from .conftest import SAMPLE_DIR

pytestmark = pytest.mark.django_db

SAMPLE = SAMPLE_DIR / FILE_NAME
SOURCE = Path(settings.BASE_DIR).parent / "shared" / "data" / FILE_NAME
SQUARE = [[[-0.1, 51.5], [-0.09, 51.5], [-0.09, 51.51], [-0.1, 51.51], [-0.1, 51.5]]]


def run(path, *args):
    out = StringIO()
    call_command("import_boundaries", str(path), "--no-progress", *args, stdout=out)
    return out.getvalue()


def feature(code, coordinates=SQUARE, kind="Polygon", **properties):
    return {
        "type": "Feature",
        "properties": {"LSOA21CD": code, **properties},
        "geometry": {"type": kind, "coordinates": coordinates},
    }


def write(tmp_path, features, name="b.geojson", gz=False):
    text = json.dumps({"type": "FeatureCollection", "features": features})
    path = tmp_path / name
    path.write_bytes(gzip.compress(text.encode()) if gz else text.encode())
    return path


def test_the_sample_loads_camdens_lsoas_and_a_second_run_replaces_them():
    output = run(SAMPLE)
    assert "Imported 130 boundaries from 130 features" in output
    camden = AreaBoundary.objects.filter(local_authority_code="E09000007")
    assert camden.count() == 130
    area = AreaBoundary.objects.get(code="E01000842")
    assert area.name == "Camden 011A"
    geometry = json.loads(area.geometry)
    assert geometry["type"] == "Polygon"
    assert geometry["coordinates"][0][0] == [-0.1646, 51.54709]  # copied unchanged
    assert area.min_long <= -0.1646 <= area.max_long
    assert 51.5 < area.min_lat < area.max_lat < 51.6
    run(SAMPLE)
    assert AreaBoundary.objects.count() == 130
    last = ImportRun.objects.first()
    assert last.parts == ["boundaries"] and last.counts == {"areaboundary": 130}


def test_if_empty_does_nothing_once_loaded():
    run(SAMPLE)
    assert "nothing imported" in run(SAMPLE, "--if-empty")


def test_multipolygons_are_kept_and_the_la_comes_from_the_area_when_the_file_has_none(tmp_path):
    Area.objects.create(code="E01999999", kind="lsoa21", local_authority_id="E09000007")
    islands = [SQUARE, [[[-0.2, 51.6], [-0.19, 51.6], [-0.19, 51.61], [-0.2, 51.6]]]]
    path = write(tmp_path, [feature("E01999999", islands, "MultiPolygon")], gz=True)
    run(path)
    area = AreaBoundary.objects.get()
    assert area.local_authority_code == "E09000007"
    assert (area.min_long, area.max_lat) == (-0.2, 51.61)


def test_features_that_cannot_be_used_are_reported_and_too_many_refuse_the_file(tmp_path):
    good = [feature(f"E0100000{n}") for n in range(1, 10)]
    bad = feature("E01000099", kind="Point", coordinates=[-0.1, 51.5])
    path = write(tmp_path, [*good, bad])
    with pytest.raises(CommandError, match="1 of 10 features cannot be used"):
        run(path)
    assert AreaBoundary.objects.count() == 0
    output = run(path, "--max-bad", "0.2")
    assert "feature 10: E01000099: the geometry is not a Polygon or MultiPolygon" in output
    assert AreaBoundary.objects.count() == 9


@pytest.mark.parametrize(
    "content, message",
    [
        (b'{"type": "Feature"}', "is not a GeoJSON FeatureCollection"),
        (b'{"type": "FeatureCollection", "features": [{"type": ', "is not valid JSON"),
        (b'{"type": "FeatureCollection", "features": []}', "has no features"),
        (b"\x1f\x8b\x08 broken", "is not a readable gzip file"),
    ],
)
def test_a_file_that_cannot_be_used_changes_nothing(tmp_path, content, message):
    run(SAMPLE)
    path = tmp_path / "bad.geojson"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        run(path)
    assert AreaBoundary.objects.count() == 130


def test_coordinates_that_are_not_longitude_and_latitude_are_refused(tmp_path):
    grid = [[[530000, 180000], [531000, 180000], [531000, 181000], [530000, 180000]]]
    path = write(tmp_path, [feature("E01000001", grid)])
    with pytest.raises(CommandError, match="not longitude and latitude"):
        run(path)


@pytest.mark.skipif(not SOURCE.exists(), reason="the shared boundaries file is not here")
def test_committed_sample_is_what_the_extract_writes(tmp_path):
    dest = tmp_path / FILE_NAME
    assert extract_sample(SOURCE, dest) == 130
    assert dest.read_bytes() == SAMPLE.read_bytes()
