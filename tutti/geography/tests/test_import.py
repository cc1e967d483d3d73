"""import_geography: idempotent, reports bad rows, refuses bad files, reads official formats."""

import gzip
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from tutti.geography.importer import ImportFileError, import_geography, table_counts
from tutti.geography.models import Area, GPPractice, ImportRun, LocalAuthority, Postcode
from tutti.geography.services import resolve_postcode

from .conftest import SAMPLE_DIR

pytestmark = pytest.mark.django_db

POSTCODE_FILE = "postcode_lsoa_lookup_uk_derived_nspl_may2025.csv.gz"
SAMPLE_COUNTS = {"localauthority": 415, "area": 786, "postcode": 14269, "gppractice": 186}


def run(directory, *args):
    out = StringIO()
    call_command("import_geography", str(directory), "--no-progress", *args, stdout=out)
    return out.getvalue()


def write(path, text, *, bom=False, gz=False):
    data = (("\ufeff" if bom else "") + text).encode("utf-8")
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def test_reimporting_the_sample_replaces_and_never_duplicates():
    run(SAMPLE_DIR)
    assert table_counts() == SAMPLE_COUNTS
    first = resolve_postcode("NW1 2DB")
    output = run(SAMPLE_DIR)
    assert table_counts() == SAMPLE_COUNTS
    assert resolve_postcode("NW1 2DB") == first
    assert ImportRun.objects.filter(status="ok").count() == 2
    assert "14,269 of 14,277 rows loaded, 8 could not be loaded" in output


def test_only_replaces_the_parts_named(tmp_path):
    run(SAMPLE_DIR)
    shutil.copy(SAMPLE_DIR / POSTCODE_FILE, tmp_path / POSTCODE_FILE)
    write(tmp_path / "la_all_codes.csv", "LADCD,LADNM\nE09000007,Camden\n")
    run(tmp_path, "--only", "postcodes")
    assert LocalAuthority.objects.count() == 415  # not in --only: untouched
    assert Postcode.objects.count() == 14269
    run(tmp_path, "--only", "la")
    assert LocalAuthority.objects.count() == 1
    assert Area.objects.count() == 786 and GPPractice.objects.count() == 186


def test_if_empty_skips_when_postcodes_are_loaded():
    run(SAMPLE_DIR, "--if-empty")
    assert Postcode.objects.count() == 14269
    assert "nothing imported" in run(SAMPLE_DIR, "--if-empty")
    assert ImportRun.objects.count() == 1


def test_unparseable_rows_are_counted_and_reported_with_their_line(tmp_path):
    write(
        tmp_path / "postcodes.csv",
        "pcds,lat,long,lsoa21cd,lsoa11cd,lad_code,lsoa_method\n"
        "NW1 2DB,51.52998,-0.12698,E01000956,E01000956,E09000007,within\n"
        "NOT A POSTCODE,51.5,-0.1,E01000956,E01000956,E09000007,within\n"
        "NW5 1TL,51.55393,-0.14472,E01000928,E01000928,E09000007,within\n"
        "\n"
        "N7 8DB,north,-0.11035,E01033491,E01033491,E09000019,within\n"
        "NW1 2DB,51.52998,-0.12698,E01000956,E01000956,E09000007,within\n"
        "HR1 2HX,52.05623,-2.71252,E01014010,E01014010,E06000019,within\n"
        "HR4 0SG,152.0,-2.7,E01014012,E01014012,E06000019,within\n",
    )
    (tmp_path / "postcodes.csv").rename(tmp_path / "NSPL_TEST_UK.csv")
    output = run(tmp_path, "--max-bad", "0.6")
    assert "3 of 7 rows loaded, 4 could not be loaded" in output
    assert "line 3: postcode 'NOT A POSTCODE' is not a valid postcode (BS 7666)" in output
    assert "line 6: lat 'north' is not a number" in output
    assert "line 7: postcode 'NW1 2DB' appears twice" in output
    assert "line 9: lat 152.0 is out of range" in output
    assert set(Postcode.objects.values_list("pk", flat=True)) == {"NW1 2DB", "NW5 1TL", "HR1 2HX"}
    run_record = ImportRun.objects.get()
    assert [row["line"] for row in run_record.bad_rows] == [3, 6, 7, 9]
    assert run_record.files[0]["bad"] == 4


def test_official_ons_column_names_bom_and_gzip(tmp_path):
    # NSPL-style: pcd (7-character form), lsoa21/lsoa11, laua, 99.999999 for no grid reference
    write(
        tmp_path / "NSPL21_MAY_2025_UK.csv.gz",
        "PCD,PCDS,LAT,LONG,LAUA,LSOA11,LSOA21\n"
        "NW1 2DB,NW1 2DB,51.52998,-0.12698,E09000007,E01000956,E01000956\n"
        "EH1 2NG,EH1 2NG,55.94896,-3.20147,S12000036,S01008677,S01013354\n"
        "NW1 9XX,NW1 9XX,99.999999,0.000000,E09000007,E01000868,E01000868\n",
        bom=True,
        gz=True,
    )
    write(
        tmp_path / "la_all_codes.csv",
        "LAD24CD,LAD24NM\nE09000007,Camden\nS12000036,City of Edinburgh\n",
        bom=True,
    )
    write(tmp_path / "simd2020v2_scotland_datazone2011.csv", "dz11_code,IMD_decile\nS01008677,4\n")
    run(tmp_path)
    camden = resolve_postcode("NW1 2DB")
    assert (camden.local_authority_name, camden.lsoa_code) == ("Camden", "E01000956")
    edinburgh = resolve_postcode("EH1 2NG")  # a Data Zone in the lsoa11 column, as in NSPL
    assert (edinburgh.nation, edinburgh.local_authority_name) == ("Scotland", "City of Edinburgh")
    assert (edinburgh.imd_index, edinburgh.imd_decile) == ("SIMD 2020v2", 4)
    no_grid = resolve_postcode("NW1 9XX")
    assert no_grid.status == "found" and no_grid.lat is None and no_grid.long is None


def test_headerless_epraccur_is_read_by_position(tmp_path):
    lines = (SAMPLE_DIR / "epraccur.csv").read_text().splitlines(keepends=True)
    write(tmp_path / "epraccur.csv", "".join(lines[:5]))
    run(tmp_path)
    assert GPPractice.objects.count() == 5
    assert GPPractice.objects.get(pk="A81001").name == "THE DENSHAM SURGERY"


def test_missing_or_bad_files_are_refused_naming_the_file(tmp_path):
    with pytest.raises(CommandError, match="holds none of the geography files"):
        run(tmp_path)
    with pytest.raises(CommandError, match=r"imd2025_england_lsoa21\.csv: not found"):
        run(tmp_path, "--only", "imd")
    with pytest.raises(CommandError, match=r"la_all_codes\.csv: not found"):
        run(tmp_path, "--only", "la")
    with pytest.raises(CommandError, match=r"lsoa21_lookup_centroids_ew\.csv: not found"):
        run(tmp_path, "--only", "areas")
    with pytest.raises(CommandError, match="is not known"):
        run(tmp_path, "--only", "weather")
    with pytest.raises(CommandError, match="is not a directory"):
        run(tmp_path / "nowhere")

    run(SAMPLE_DIR)
    # A header without a postcode column: refused before any table is touched.
    write(tmp_path / "la_all_codes.csv", "LADCD,LADNM\nE09000007,Camden\n")
    write(tmp_path / POSTCODE_FILE, "code,lat,long\nNW1 2DB,1,2\n", gz=True)
    with pytest.raises(CommandError, match=rf"{POSTCODE_FILE}: has no column for postcode"):
        run(tmp_path)
    assert table_counts() == SAMPLE_COUNTS
    # Not gzip although named .gz; not UTF-8.
    (tmp_path / POSTCODE_FILE).write_bytes(b"\x1f\x8bnot really gzip")
    with pytest.raises(CommandError, match=rf"{POSTCODE_FILE}: cannot be read"):
        run(tmp_path)
    (tmp_path / POSTCODE_FILE).unlink()
    write(tmp_path / "epraccur.csv", "")
    (tmp_path / "epraccur.csv").write_bytes(b'"A81001","Caf\xe9",1,2,3,4,5,6,7,8,9,10,"A"\n')
    with pytest.raises(CommandError, match=r"epraccur\.csv: is not UTF-8"):
        run(tmp_path)
    assert table_counts() == SAMPLE_COUNTS
    assert ImportRun.objects.filter(status="ok").count() == 1


def test_a_mostly_unreadable_file_is_refused_and_the_table_left_as_it_was(tmp_path):
    run(SAMPLE_DIR)
    rows = "".join(f"NOPE{i},51.5,-0.1,E01000956,,,\n" for i in range(20))
    write(
        tmp_path / POSTCODE_FILE,
        "pcds,lat,long,lsoa21cd,lsoa11cd,lad_code,lsoa_method\n"
        "NW1 2DB,51.52998,-0.12698,E01000956,E01000956,E09000007,within\n" + rows,
        gz=True,
    )
    with pytest.raises(CommandError, match="20 of 21 rows could not be loaded"):
        run(tmp_path)
    assert Postcode.objects.count() == 14269
    failed = ImportRun.objects.get(status="failed")
    assert "20 of 21 rows" in failed.message


def test_rural_urban_carry_over_rules(tmp_path):
    # X: new 2021 code, postcodes 1:1 in two 2011 codes with the same RUC → "2011 codes agree"
    # Y: new code, 3:1 in codes with different RUC → the dominant one (≥ 2/3)
    # Z: new code, 1:1 in codes with different RUC → left empty, never guessed
    write(
        tmp_path / "lsoa21_lookup_centroids_ew.csv",
        "lsoa21cd,lsoa21nm,lad_code,lad_name,rgn_code,rgn_name,centroid_lat,centroid_long\n"
        "E01099991,X,E09000007,Camden,,,51.5,-0.1\n"
        "E01099992,Y,E09000007,Camden,,,51.5,-0.1\n"
        "E01099993,Z,E09000007,Camden,,,51.5,-0.1\n"
        "E01000001,Same,E09000001,City of London,,,51.5,-0.1\n",
    )
    write(
        tmp_path / "ruc2011_lsoa11_england_wales.csv",
        "LSOA11CD,LSOA11NM,RUC11CD,RUC11\n"
        "E01000001,Same,A1,Urban major conurbation\n"
        "E01000002,a,A1,Urban major conurbation\n"
        "E01000003,b,A1,Urban major conurbation\n"
        "E01000004,c,E1,Rural village and dispersed\n",
    )
    pairs = [
        ("E01099991", "E01000002"),
        ("E01099991", "E01000003"),
        ("E01099992", "E01000004"),
        ("E01099992", "E01000004"),
        ("E01099992", "E01000004"),
        ("E01099992", "E01000002"),
        ("E01099993", "E01000002"),
        ("E01099993", "E01000004"),
    ]
    lines = [
        f"NW1 {n}AA,51.5,-0.1,{lsoa21},{lsoa11},E09000007,within\n"
        for n, (lsoa21, lsoa11) in enumerate(pairs)
    ]
    write(
        tmp_path / POSTCODE_FILE,
        "pcds,lat,long,lsoa21cd,lsoa11cd,lad_code,lsoa_method\n" + "".join(lines),
        gz=True,
    )
    output = run(tmp_path)
    basis = {a.code: (a.rural_urban_code, a.rural_urban_basis) for a in Area.objects.all()}
    assert basis["E01099991"] == ("A1", "2011 codes agree")
    assert basis["E01099992"] == ("E1", "dominant 2011 code")
    assert basis["E01099993"] == ("", "")
    assert basis["E01000001"] == ("A1", "same code")
    assert Area.objects.get(pk="E01000004").kind == Area.Kind.LSOA11
    assert "left empty: 1" in output
    # A postcode's own LSOA 2011 gives its RUC exactly, whatever its LSOA 2021 carries.
    assert resolve_postcode("NW1 6AA").rural_urban_code == "A1"  # in Z, 2011 code E01000002
    assert resolve_postcode("NW1 7AA").rural_urban_code == "E1"  # in Z, 2011 code E01000004
    assert resolve_postcode("NW1 6AA").is_rural is False


def test_missing_file_error_from_the_function(tmp_path):
    with pytest.raises(ImportFileError):
        import_geography(tmp_path, progress=False)


SOURCE = Path(settings.BASE_DIR).parent / "shared" / "data"


@pytest.mark.skipif(not (SOURCE / POSTCODE_FILE).exists(), reason="full files not present")
def test_committed_sample_is_what_the_extract_script_writes(tmp_path):
    call_command(
        "extract_geography_sample", source=str(SOURCE), dest=str(tmp_path), stdout=StringIO()
    )
    for path in sorted(SAMPLE_DIR.glob("*.csv*")):
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name
