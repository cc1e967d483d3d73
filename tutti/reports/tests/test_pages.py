"""The impact page, its downloads and who may see it."""

import csv
import io
import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from tutti.accounts.roles import Role
from tutti.accounts.tests.factories import UserFactory
from tutti.reports.forms import dates_data, last_financial_year, last_twelve_months
from tutti.reports.tests.conftest import YEAR_END, YEAR_START

pytestmark = pytest.mark.django_db

YEAR = dates_data(YEAR_START, YEAR_END)


def signed_in(client, *roles, **user):
    client.force_login(UserFactory(roles=list(roles), **user))
    return client


def test_a_coordinator_sees_the_year_in_numbers(client, world):
    signed_in(client, Role.COORDINATOR)
    response = client.get("/reports/impact/", YEAR)
    assert response.status_code == 200
    page = response.content.decode()
    assert "1 April 2025 to 31 March 2026" in page
    assert (
        "5 music therapy sessions delivered through our own centre and 2 partner "
        "organisations (2 individual, 2 group, 1 community): 5 hours of therapy." in page
    )
    assert "2 people accessed our services, each counted once." in page
    assert "Attendance was 56%." in page


def test_without_dates_the_report_covers_the_last_12_whole_months(client, world):
    signed_in(client, Role.ADMINISTRATOR)
    first, last = last_twelve_months()
    page = client.get("/reports/impact/").content.decode()
    assert f"{first:%-d %B %Y} to {last:%-d %B %Y}" in page


def test_the_last_12_whole_months():
    assert last_twelve_months(date(2026, 11, 22)) == (date(2025, 11, 1), date(2026, 10, 31))
    assert last_twelve_months(date(2027, 1, 1)) == (date(2026, 1, 1), date(2026, 12, 31))
    assert last_financial_year(date(2026, 3, 31)) == (date(2024, 4, 1), date(2025, 3, 31))
    assert last_financial_year(date(2026, 4, 1)) == (date(2025, 4, 1), date(2026, 3, 31))


def test_a_period_that_ends_before_it_starts_is_refused_next_to_the_field(client, world):
    signed_in(client, Role.COORDINATOR)
    data = {**YEAR, "date_to_2": "2024"}
    response = client.get("/reports/impact/", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "The last day must be the same as or after the first" in page
    assert 'value="2024"' in page  # what was typed is kept


@pytest.mark.parametrize("role", [Role.THERAPIST, Role.PARTNER, Role.REFERRER, Role.SUPERVISOR])
def test_other_roles_may_not_see_reports(client, world, role):
    signed_in(client, role)
    assert client.get("/reports/impact/", YEAR).status_code == 403


def test_signed_out_people_are_sent_to_sign_in(client, world):
    response = client.get("/reports/impact/", YEAR)
    assert response.status_code == 302 and "sign-in" in response["Location"]


def test_the_csv_has_the_figures_and_tables(client, world):
    signed_in(client, Role.COORDINATOR)
    response = client.get("/reports/impact/", {**YEAR, "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert ["Sessions delivered", "5"] in rows
    assert ["People who accessed services", "2"] in rows
    assert ["Group", "2", "2"] in rows  # 2 group sessions, 2 hours


def test_the_xlsx_has_the_same_figures(client, world):
    signed_in(client, Role.COORDINATOR)
    response = client.get("/reports/impact/", {**YEAR, "format": "xlsx"})
    book = load_workbook(io.BytesIO(response.content))
    summary = [list(row) for row in book["Summary"].iter_rows(values_only=True)]
    assert ["Sessions delivered", 5] in summary
    referrals = next(name for name in book.sheetnames if "referrals" in name)
    rows = [list(row) for row in book[referrals].iter_rows(values_only=True)]
    assert ["All routes", 5, 100] in rows


def test_the_json_download(client, world):
    signed_in(client, Role.COORDINATOR)
    data = json.loads(client.get("/reports/impact/", {**YEAR, "format": "json"}).content)
    assert data["figures"]["people"]["value"] == 2
    assert data["figures"]["hours"]["value"] == 5
    assert data["tables"]["sessions"]["total"] == ["All sessions", 5, 5]


def _command(*args):
    out = io.StringIO()
    call_command("impact_report", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("programme", [None, "P1"])
def test_the_command_json_is_what_the_page_shows(client, world, programme):
    args = ["--from", "2025-04-01", "--to", "2026-03-31"]
    query = dict(YEAR)
    if programme:
        args += ["--programme", programme]
        query["programme"] = programme
    from_command = json.loads(_command(*args))
    signed_in(client, Role.COORDINATOR)
    from_page = json.loads(client.get("/reports/impact/", {**query, "format": "json"}).content)
    assert from_command == from_page
    # And the page itself shows each headline figure.
    page = client.get("/reports/impact/", query).content.decode()
    for figure in from_command["figures"].values():
        value = figure["value"]
        shown = "–" if value is None else f"{value:,}"
        assert f'<span class="tutti-figure">{shown}' in page


def test_the_command_csv(world):
    rows = list(
        csv.reader(
            io.StringIO(_command("--from", "2025-04-01", "--to", "2026-03-31", "--format", "csv"))
        )
    )
    assert ["Hours of therapy", "5"] in rows


def test_the_command_says_what_is_wrong(world):
    with pytest.raises(CommandError, match="No programme has the code NOPE"):
        _command("--programme", "NOPE")
    with pytest.raises(CommandError, match="must be a date like 2025-04-01"):
        _command("--from", "1 April")
