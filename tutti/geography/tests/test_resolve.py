"""resolve_postcode, gp_practice and distance_km on the committed sample.

Every expected value below was read from the real files in ../shared/data (the postcode
lookup, imd2025_england_lsoa21.csv, wimd2019_wales_lsoa11.csv, ruc2011_lsoa11_england_wales.csv,
la_all_codes.csv, epraccur.csv), not from this code.
"""

import time

import pytest

from tutti.geography.models import Area, ImportRun
from tutti.geography.services import (
    Geography,
    distance_km,
    gp_practice,
    is_gp_practice,
    resolve_postcode,
    resolve_postcodes,
)

pytestmark = pytest.mark.usefixtures("sample_geography", "db")


@pytest.mark.parametrize("text", ["NW1 2DB", "nw12db", "  Nw1  2dB "])
def test_camden_postcode(text):
    # NW1 2DB,51.52998,-0.12698,E01000956,E01000956,E09000007,within
    # imd2025: E01000956,Camden 022E,E09000007,Camden,43.756,3647,2,…  RUC: A1
    assert resolve_postcode(text) == Geography(
        postcode="NW1 2DB",
        status="found",
        lsoa_code="E01000956",
        lsoa_name="Camden 022E",
        local_authority_code="E09000007",
        local_authority_name="Camden",
        nation="England",
        imd_decile=2,
        imd_quintile=1,
        imd_rank=3647,
        imd_index="IMD 2025 (England)",
        rural_urban_code="A1",
        rural_urban_label="Urban: major conurbation",
        is_rural=False,
        lat=51.52998,
        long=-0.12698,
    )


def test_islington_postcode():
    # N7 8DB → E01033491 Islington 011H, E09000019; IMD 2025 rank 9411, decile 3
    geography = resolve_postcode("N7 8DB")
    assert (geography.lsoa_code, geography.lsoa_name) == ("E01033491", "Islington 011H")
    assert (geography.local_authority_code, geography.local_authority_name) == (
        "E09000019",
        "Islington",
    )
    assert (geography.imd_decile, geography.imd_quintile, geography.imd_rank) == (3, 2, 9411)


def test_herefordshire_urban_and_rural():
    # HR1 2HX → E01014010 Herefordshire 012C, decile 3 (rank 6860), RUC C1
    city = resolve_postcode("HR1 2HX")
    assert (city.lsoa_code, city.local_authority_code) == ("E01014010", "E06000019")
    assert city.local_authority_name == "Herefordshire, County of"
    assert (city.imd_decile, city.imd_rank, city.rural_urban_code) == (3, 6860, "C1")
    assert city.rural_urban_label == "Urban: city and town" and city.is_rural is False
    # HR4 0SG → E01014012 Herefordshire 007B, decile 8 (rank 25738), RUC E1
    village = resolve_postcode("HR4 0SG")
    assert (village.lsoa_code, village.lsoa_name) == ("E01014012", "Herefordshire 007B")
    assert (village.imd_decile, village.imd_quintile, village.imd_rank) == (8, 4, 25738)
    assert village.rural_urban_code == "E1"
    assert village.rural_urban_label == "Rural: village and dispersed"
    assert village.is_rural is True


def test_welsh_postcode_takes_wimd_from_its_lsoa_2011():
    # CF10 3AT,51.48901,-3.17971,W01002019,W01001939,W06000015 — a new 2021 code; WIMD 2019
    # is on LSOA 2011: W01001939 (Cardiff 032F) has IMD decile 5, rank 833; RUC C1.
    geography = resolve_postcode("CF10 3AT")
    assert geography.status == "found"
    assert (geography.lsoa_code, geography.lsoa_name) == ("W01002019", "Cardiff 032H")
    assert (geography.local_authority_code, geography.local_authority_name) == (
        "W06000015",
        "Cardiff",
    )
    assert geography.nation == "Wales"
    assert (geography.imd_index, geography.imd_decile, geography.imd_rank) == (
        "WIMD 2019",
        5,
        833,
    )
    assert geography.imd_quintile == 3
    assert geography.rural_urban_code == "C1"


@pytest.mark.parametrize(
    ("postcode", "lat", "long"),
    [("EH1 2NG", 55.94896, -3.20147), ("BT1 1AA", 54.60243, -5.92229)],
)
def test_scottish_and_ni_postcodes_are_found_with_position_only(postcode, lat, long):
    # The derived lookup has no Data Zone, SOA or LA for Scotland and Northern Ireland: the
    # postcode exists, so "found", but nothing is inferred beyond its position.
    assert resolve_postcode(postcode) == Geography(
        postcode=postcode, status="found", lat=lat, long=long
    )


def test_postcode_not_in_the_lookup_is_not_found_and_never_guessed():
    # NW1 9ZZ is a valid postcode, absent from the full lookup; NW1 9XX next to it is there.
    assert resolve_postcode("NW1 9XX").status == "found"
    assert resolve_postcode("nw1 9zz") == Geography(postcode="NW1 9ZZ", status="not_found")


def test_pseudo_and_invalid_postcodes_are_not_looked_up(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert resolve_postcode("ZZ99 3VZ") == Geography(postcode="ZZ99 3VZ", status="pseudo")
        assert resolve_postcode("zz993vz").status == "pseudo"
        for text in ["", None, "hello", "NPT 0AD", "W1M 0AA", "QQ1 1AA"]:
            assert resolve_postcode(text) == Geography(postcode=None, status="invalid")


def test_one_query_and_fast(django_assert_num_queries):
    with django_assert_num_queries(1):
        resolve_postcode("NW5 1TL")
    postcodes = ["NW1 2DB", "NW5 1TL", "N7 8DB", "HR1 2HX", "CF10 3AT", "NW1 9ZZ"] * 50
    started = time.perf_counter()
    for postcode in postcodes:
        resolve_postcode(postcode)
    mean = (time.perf_counter() - started) / len(postcodes)
    assert mean < 0.005  # loose for CI; bench/bench_geography.py measures it properly (< 1 ms)


def test_new_lsoa_2021_code_carries_rural_urban_class_from_its_dominant_2011_code():
    # E01035710 (a 2021 code) holds NW1 postcodes that are 911 in E01000945 and 24 in
    # E01000950 (both A1); it takes A1 from the dominant one.
    area = Area.objects.get(pk="E01035710")
    assert area.kind == Area.Kind.LSOA21
    assert (area.rural_urban_code, area.rural_urban_basis) == ("A1", "dominant 2011 code")
    assert Area.objects.get(pk="E01000945").rural_urban_basis == "same code"


def test_gp_practice_lookup():
    # "F83006","AMPTHILL PRACTICE",…,"NW1 1TN","19740401","","A",…,"4"
    practice = gp_practice(" f83006 ")
    assert (practice.name, practice.postcode, practice.status) == (
        "AMPTHILL PRACTICE",
        "NW1 1TN",
        "active",
    )
    assert practice.is_gp_practice and is_gp_practice("F83006", active_only=True)
    assert resolve_postcode(practice.postcode).local_authority_name == "Camden"
    # A81003 Victoria Medical Practice: a GP practice, closed on 2017-10-31
    closed = gp_practice("A81003")
    assert closed.status == "closed" and str(closed.close_date) == "2017-10-31"
    assert is_gp_practice("A81003") and not is_gp_practice("A81003", active_only=True)
    # A91085 Hereford Medical Centre: prescribing setting 0, not a GP practice
    assert gp_practice("A91085") is not None and not is_gp_practice("A91085")
    assert gp_practice("ZZZ999") is None and gp_practice("") is None
    assert not is_gp_practice("ZZZ999")


def test_import_run_records_what_was_loaded(sample_geography):
    run = ImportRun.objects.get(pk=sample_geography.run.pk)
    assert run.status == "ok"
    assert run.counts == {"localauthority": 415, "area": 786, "postcode": 14269, "gppractice": 186}
    postcodes = next(f for f in run.files if f["key"] == "postcodes")
    # the sample keeps 7 terminated postcodes that are not valid by BS 7666 (NPT …, W1M …)
    assert (postcodes["rows"], postcodes["loaded"], postcodes["bad"]) == (14277, 14269, 8)
    assert {"file", "line", "reason"} <= set(run.bad_rows[0])
    assert "W1M 0AA" in " ".join(row["reason"] for row in run.bad_rows)


def test_many_postcodes_at_once_answer_as_one_at_a_time(monkeypatch):
    import tutti.geography.services as services

    monkeypatch.setattr(services, "LOOKUP_BATCH", 3)  # more than one query's worth
    given = ["NW1 2DB", "nw12db", "N7 8DB", "HR1 2HX", "EH1 2NG", "NW1 9ZZ", "ZZ99 3VZ", "QX1 1AA"]
    given += ["  Nw1  2dB "]
    answers = resolve_postcodes(given)
    assert set(answers) == set(given)
    for postcode in given:
        assert answers[postcode] == resolve_postcode(postcode)
    assert answers["NW1 9ZZ"].status == "not_found"
    assert answers["ZZ99 3VZ"].status == "pseudo" and answers["QX1 1AA"].status == "invalid"


def test_distance_km():
    assert distance_km(51.5, -0.1, 51.5, -0.1) == 0
    assert distance_km(0, 0, 0, 1) == pytest.approx(111.195, abs=0.01)  # 1° of the equator
    camden, hereford = resolve_postcode("NW1 2DB"), resolve_postcode("HR1 2HX")
    km = distance_km(camden.lat, camden.long, hereford.lat, hereford.long)
    # the spherical law of cosines on the same points gives 187.1877 km
    assert km == pytest.approx(187.1877, abs=0.001)


@pytest.mark.parametrize("model", ["importrun", "localauthority", "area", "postcode", "gppractice"])
def test_back_office_lists_are_read_only(admin_client, model):
    from django.urls import reverse

    response = admin_client.get(reverse(f"admin:geography_{model}_changelist"))
    assert response.status_code == 200
    assert admin_client.get(reverse(f"admin:geography_{model}_add")).status_code == 403
    search = admin_client.get(
        reverse("admin:geography_postcode_changelist"), {"q": "nw12db"}
    ).content.decode()
    assert "NW1 2DB" in search
