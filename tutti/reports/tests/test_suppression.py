"""Small-number suppression: primary ("<5") and secondary ("[c]"), and commissioners' access."""

import json

import pytest
from markupsafe import escape

from tutti.accounts.roles import Role
from tutti.accounts.tests.factories import UserFactory
from tutti.reports.forms import dates_data
from tutti.reports.suppression import HIDDEN, SMALL, suppress
from tutti.reports.tables import LABEL, PEOPLE, PERCENT, Column, Table
from tutti.reports.tests.conftest import YEAR_END, YEAR_START

YEAR = dates_data(YEAR_START, YEAR_END)


def test_counts_of_one_to_four_are_hidden_and_zero_is_shown():
    result = suppress({"a": 0, "b": 1, "c": 4, "d": 5, "e": 100})
    assert result.primary == {"b", "c"}


def test_one_hidden_cell_beside_a_total_hides_the_next_smallest_too():
    # 3 + 10 + 12 = 25: with only the 3 hidden, 25 - 10 - 12 gives it away.
    values = {"a": 3, "b": 12, "c": 10, "total": 25}
    result = suppress(values, [(["a", "b", "c"], "total")])
    assert result.primary == {"a"}
    assert result.secondary == {"c"}  # the next smallest
    assert result.marker("a") == SMALL and result.marker("c") == HIDDEN


def test_the_next_smallest_is_one_above_zero_when_there_is_one():
    values = {"a": 2, "b": 0, "c": 9, "d": 30, "total": 41}
    result = suppress(values, [(["a", "b", "c", "d"], "total")])
    assert result.secondary == {"c"}


def test_two_hidden_cells_need_nothing_more():
    values = {"a": 2, "b": 3, "c": 40, "total": 45}
    result = suppress(values, [(["a", "b", "c"], "total")])
    assert result.primary == {"a", "b"} and result.secondary == set()


def test_secondary_suppression_carries_across_rows_and_columns():
    """A 2 × 2 table with margins. Hiding the 2 leaves its row with one hidden cell, so the 20
    beside it goes; that leaves the 20's column with one, so the 30 below it goes; and then
    the 30's row, so the 40 goes too. Every row and column ends with two hidden cells."""
    values = {
        ("r1", "c1"): 2,
        ("r1", "c2"): 20,
        ("r2", "c1"): 40,
        ("r2", "c2"): 30,
        ("r1", "t"): 22,
        ("r2", "t"): 70,
        ("t", "c1"): 42,
        ("t", "c2"): 50,
        ("t", "t"): 92,
    }
    rows = [([(r, "c1"), (r, "c2")], (r, "t")) for r in ("r1", "r2", "t")]
    columns = [([("r1", c), ("r2", c)], ("t", c)) for c in ("c1", "c2", "t")]
    result = suppress(values, rows + columns)
    assert result.primary == {("r1", "c1")}
    assert result.secondary == {("r1", "c2"), ("r2", "c1"), ("r2", "c2")}
    for parts, total in rows + columns:
        hidden = [key for key in [*parts, total] if key in result.hidden]
        assert len(hidden) != 1


def _routes(gp, school, self_):
    return Table(
        "referrals",
        "New referrals, by route",
        [
            Column("route", "Route", LABEL),
            Column("referrals", "Referrals", PEOPLE),
            Column("percent", "%", PERCENT, derived_from=("referrals",)),
        ],
        [
            {"route": "GP", "referrals": gp, "percent": 10},
            {"route": "School", "referrals": school, "percent": 20},
            {"route": "Self", "referrals": self_, "percent": 70},
        ],
        total={"route": "All", "referrals": gp + school + self_, "percent": 100},
    )


def test_a_table_hides_the_small_count_its_complement_and_their_percentages():
    table = _routes(3, 8, 30).suppressed()
    assert [row["referrals"] for row in table.rows] == ["<5", "[c]", 30]
    assert [row["percent"] for row in table.rows] == ["[c]", "[c]", 70]
    assert table.total["referrals"] == 41


def test_a_small_total_is_hidden_too():
    table = _routes(1, 2, 0).suppressed()
    assert [row["referrals"] for row in table.rows] == ["<5", "<5", 0]
    assert table.total["referrals"] == "<5"


def test_parts_of_a_row_that_add_up_to_its_n():
    table = Table(
        "outcomes",
        "Outcome change",
        [
            Column("measure", "Measure", LABEL),
            Column("n", "n", PEOPLE),
            Column("improved", "Improved", PEOPLE),
            Column("same", "Same", PEOPLE),
            Column("worse", "Worse", PEOPLE),
        ],
        [{"measure": "WEMWBS", "n": 30, "improved": 20, "same": 8, "worse": 2}],
        row_sums=((("improved", "same", "worse"), "n"),),
    ).suppressed()
    assert table.rows[0] == {
        "measure": "WEMWBS",
        "n": 30,
        "improved": 20,
        "same": "[c]",
        "worse": "<5",
    }


# --- commissioners --------------------------------------------------------------------------


@pytest.fixture
def commissioner(client, world):
    user = UserFactory(roles=[Role.COMMISSIONER], organisation=world.funder)
    client.force_login(user)
    return user


@pytest.mark.django_db
def test_a_commissioner_sees_only_the_programmes_they_fund_with_small_numbers_hidden(
    client, commissioner, world
):
    data = json.loads(client.get("/reports/impact/", {**YEAR, "format": "json"}).content)
    assert data["small_numbers_suppressed"] is True
    # P1 only: Ann's 2 individual sessions, 1.5 hours; 1 person and 2 referrals, shown as <5.
    assert data["figures"]["sessions"]["value"] == 2
    assert data["figures"]["people"]["value"] == "<5"
    assert data["figures"]["referrals"]["value"] == "<5"
    programmes = [row[0] for row in data["tables"]["people"]["rows"]]
    assert programmes == ["Individual therapy"]  # never Groups and choirs (P2)


@pytest.mark.django_db
def test_a_commissioner_cannot_ask_for_a_programme_they_do_not_fund(client, commissioner):
    response = client.get("/reports/impact/", {**YEAR, "programme": "P2"})
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Select a valid choice" in page
    assert "Groups and choirs" not in page


@pytest.mark.django_db
def test_a_commissioner_gets_no_links_to_lists_and_may_not_open_them(client, commissioner):
    page = client.get("/reports/impact/", YEAR).content.decode()
    assert "/reports/impact/people/" not in page
    assert client.get("/reports/impact/people/", YEAR).status_code == 403


@pytest.mark.django_db
def test_a_commissioner_not_linked_to_a_funder_sees_nothing(client, world):
    client.force_login(UserFactory(roles=[Role.COMMISSIONER]))
    page = client.get("/reports/impact/", YEAR).content.decode()
    assert "No programmes to show" in page
    data = json.loads(client.get("/reports/impact/", {**YEAR, "format": "json"}).content)
    assert data["figures"]["sessions"]["value"] == 0


@pytest.mark.django_db
def test_nothing_personal_reaches_a_commissioner(client, commissioner, world):
    page = client.get("/reports/impact/", YEAR).content.decode()
    csv_text = client.get("/reports/impact/", {**YEAR, "format": "csv"}).content.decode()
    for person in (world.ann, world.ben, world.cat, world.dan):
        for text in (page, csv_text):
            assert person.family_name not in text and escape(person.family_name) not in text
            assert world.ann_r1.reference not in text


@pytest.mark.django_db
def test_a_coordinator_can_ask_for_suppression_as_for_publication(client, world):
    client.force_login(UserFactory(roles=[Role.COORDINATOR]))
    data = json.loads(
        client.get("/reports/impact/", {**YEAR, "suppress": "on", "format": "json"}).content
    )
    assert data["figures"]["people"]["value"] == "<5"


@pytest.mark.django_db
def test_a_coordinator_follows_a_figure_to_its_list(client, world):
    client.force_login(UserFactory(roles=[Role.COORDINATOR]))
    page = client.get("/reports/impact/", YEAR).content.decode()
    assert "/reports/impact/people/?" in page
    people = client.get("/reports/impact/people/", YEAR).content.decode()
    assert "2 records" in people
    assert escape(world.ann.family_name) in people and escape(world.ben.family_name) in people
    assert escape(world.cat.family_name) not in people
    referrals = client.get("/reports/impact/referrals/", {**YEAR, "route": "school"})
    text = referrals.content.decode()
    assert world.ben_r.reference in text and world.cat_r.reference in text
    assert world.ann_r1.reference not in text
    sessions = client.get("/reports/impact/sessions/", {**YEAR, "kind": "group"}).content.decode()
    assert "2 records" in sessions
