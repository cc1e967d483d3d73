"""The summary tables give exactly the figures counted live, and are read only when they may be."""

from dataclasses import asdict
from datetime import date

import pytest
from django.core.management import call_command

from tutti.organisations.models import Site
from tutti.reports import summaries
from tutti.reports.equity import equity_split
from tutti.reports.impact import impact_report
from tutti.reports.models import PersonMonth, SessionMonth
from tutti.reports.presenters import impact_view
from tutti.reports.reach import reach_by_quintile
from tutti.reports.scope import scope_build
from tutti.reports.tests.conftest import YEAR_END, YEAR_START
from tutti.reports.tests.test_equity import equity_world  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def year(**filters):
    return scope_build(date_from=YEAR_START, date_to=YEAR_END, **filters)


def _figures(scope, live):
    data = impact_view(impact_report(scope, live=live)).as_dict()
    data.pop("counted_from")
    return data


def test_summaries_give_the_live_figures_for_every_filter(equity_world):  # noqa: F811
    w = equity_world
    summaries.summaries_refresh()
    assert SessionMonth.objects.exists() and PersonMonth.objects.exists()
    scopes = [
        year(),
        year(programme=w.p1),
        year(programme=w.p2),
        year(funder=w.funder),
        year(site=w.school),
        year(nation=Site.Nation.SCOTLAND),
        scope_build(date_from=date(2025, 10, 1), date_to=date(2025, 10, 31)),
    ]
    for scope in scopes:
        assert summaries.summaries_for(scope) is not None
        assert impact_report(scope).summaries is not None
        assert _figures(scope, live=False) == _figures(scope, live=True), scope.labels


def test_the_quintile_split_and_reach_from_summaries_equal_live(equity_world):  # noqa: F811
    summaries.summaries_refresh()
    for scope in (year(), year(programme=equity_world.p2)):
        fast, live = (
            equity_split(scope, "imd_quintile"),
            equity_split(scope, "imd_quintile", live=True),
        )
        assert [asdict(g) for g in fast.groups] == [asdict(g) for g in live.groups]
        assert asdict(fast.total) == asdict(live.total)
        assert reach_by_quintile(scope) == reach_by_quintile(scope, live=True)


def test_a_period_that_is_not_whole_months_is_counted_live(world):
    summaries.summaries_refresh()
    assert (
        summaries.summaries_for(scope_build(date_from=date(2025, 4, 2), date_to=YEAR_END)) is None
    )
    assert (
        summaries.summaries_for(scope_build(date_from=YEAR_START, date_to=date(2026, 3, 30)))
        is None
    )


def test_a_period_ending_after_the_last_refresh_is_counted_live(world):
    assert summaries.summaries_for(year()) is None  # never refreshed
    summaries.summaries_refresh()
    today = date.today()
    assert (
        summaries.summaries_for(
            scope_build(date_from=YEAR_START, date_to=date(today.year + 1, 12, 31))
        )
        is None
    )


def test_the_command_refreshes_and_says_what_it_counted(world):
    from io import StringIO

    out = StringIO()
    call_command("refresh_report_summaries", stdout=out)
    assert "Summaries made" in out.getvalue()
    assert summaries.latest_refresh() is not None


def test_the_page_says_where_its_figures_come_from(client, world):
    from tutti.accounts.roles import Role
    from tutti.accounts.tests.factories import UserFactory
    from tutti.reports.forms import dates_data

    client.force_login(UserFactory(roles=[Role.COORDINATOR]))
    page = client.get("/reports/impact/", dates_data(YEAR_START, YEAR_END)).content.decode()
    assert "Counted from the records as they are now." in page
    summaries.summaries_refresh()
    page = client.get("/reports/impact/", dates_data(YEAR_START, YEAR_END)).content.decode()
    assert "Counted from the monthly summaries made" in page


def test_the_background_task_rebuilds_the_summaries(world):
    from io import StringIO

    out = StringIO()
    call_command("refresh_report_summaries", "--background", stdout=out)
    assert "Queued for the background worker" in out.getvalue()
    # Tests run tasks at once (django-tasks' immediate backend); the worker does in production.
    assert summaries.latest_refresh() is not None
    assert SessionMonth.objects.filter(kind="group").exists()
