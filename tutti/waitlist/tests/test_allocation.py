"""Allocation: capacity, the proposal page, adjusting and confirming offers, the command."""

import json
import re
from datetime import date, time, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from tutti.accounts.roles import Role
from tutti.accounts.tests.factories import UserFactory
from tutti.organisations.tests.factories import SiteFactory
from tutti.referrals.models import ReferralEvent, Status
from tutti.referrals.tests.factories import ReferralFactory
from tutti.waitlist import services
from tutti.waitlist.capacity import individual_capacity
from tutti.waitlist.proposals import proposal_build
from tutti.waitlist.tests.allocation_helpers import (
    programme_at_a_site,
    therapist_with_slots,
    waiting,
)
from tutti.workforce.models import WeeklyAvailability

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(client):
    user = UserFactory(roles=[Role.COORDINATOR])
    client.force_login(user)
    return user


# Capacity ---------------------------------------------------------------------------------


def test_places_are_slots_at_the_programme_sites_capped_by_weekly_capacity_less_clients():
    programme, site = programme_at_a_site()
    elsewhere = programme_at_a_site("OTHER")[1]
    busy = therapist_with_slots(site, 5, weekly_capacity=3)
    ReferralFactory(therapist=busy, status=Status.ACTIVE)
    ReferralFactory(therapist=busy, status=Status.COMPLETED)  # finished: frees the slot
    free = therapist_with_slots(site, 2)
    far = therapist_with_slots(elsewhere, 4)  # works only at another programme's site
    group_only = therapist_with_slots(site, 0)
    group_only.sites.add(site)
    WeeklyAvailability.objects.create(
        therapist=group_only, site=site, weekday=0, start=time(9), end=time(10), for_groups=True
    )

    places = {s.therapist: s.places for s in individual_capacity(programme)}

    assert places == {busy: 2, free: 2}
    assert far not in places and group_only not in places


def test_a_therapist_whose_registration_has_lapsed_is_given_nobody():
    programme, site = programme_at_a_site()
    lapsed = therapist_with_slots(site, 3, registration_expires=date.today() - timedelta(days=1))
    referral = waiting(programme)

    proposal = proposal_build(programme)
    tampered = services.allocation_confirm(
        programme=programme, assignments=[(referral.reference, lapsed.pk)], actor=None
    )

    assert individual_capacity(programme) == []
    assert proposal.proposed == []
    assert tampered.offered == []
    assert "may not take new clients" in tampered.skipped[0].reason
    referral.refresh_from_db()
    assert referral.status == Status.WAITING and referral.therapist is None


# The proposal -----------------------------------------------------------------------------


def test_proposal_puts_need_first_and_shows_the_comparison_with_first_come_first_served(
    client, coordinator
):
    programme, site = programme_at_a_site()
    therapist_with_slots(site, 2, weekly_capacity=2)
    longest = waiting(programme, weeks=10)  # routine, least deprived, waited longest
    urgent = waiting(programme, weeks=1, decile=1, urgency="urgent", no_other_support=True)
    soon = waiting(programme, weeks=2, decile=2, urgency="soon")

    response = client.get(reverse("waitlist:allocate", args=[programme.code]))

    assert response.status_code == 200
    page = response.content.decode()
    offered = {r for r in (longest, urgent, soon) if f'value="{r.reference}:' in page}
    assert offered == {urgent, soon}
    assert {p.entry.referral for p in proposal_build(programme).fcfs} == {longest, soon}
    assert "First come, first served" in page
    assert "People offered a place" in page
    assert "100%" in page and "50%" in page  # share from quintiles 1-2: proposal vs FCFS
    assert Status.WAITING == type(urgent).objects.get(pk=urgent.pk).status  # a dry run


def test_equity_minimum_is_shown_and_can_be_turned_off(client, coordinator):
    programme, site = programme_at_a_site()
    therapist_with_slots(site, 2)
    for _ in range(2):
        waiting(programme, weeks=30, decile=10, urgency="urgent")
    # Each less urgent than the two above, but together most of the list's priority.
    poorer = [
        waiting(programme, weeks=8, decile=1, urgency="soon", no_other_support=True)
        for _ in range(3)
    ]
    url = reverse("waitlist:allocate", args=[programme.code])

    with_equity = client.get(url).content.decode()
    without = client.get(url, {"run": "1"}).content.decode()

    assert "Fair share by deprivation quintile" in with_equity
    assert "Quintile 1: at least 1, proposed 1" in with_equity
    assert sum(f'value="{r.reference}:' in with_equity for r in poorer) == 1
    assert sum(f'value="{r.reference}:' in without for r in poorer) == 0
    assert "Fair share by deprivation quintile" not in without


def test_a_matching_specialism_and_language_choose_the_therapist():
    programme, site = programme_at_a_site()
    therapist_with_slots(site, 1)
    match = therapist_with_slots(site, 1, specialisms=["dementia"], languages=["Polish"])
    referral = waiting(programme, circumstances=["dementia"], language="Polish")

    proposal = proposal_build(programme)

    [proposed] = proposal.proposed
    assert proposed.therapist == match
    assert proposed.value == pytest.approx(proposed.entry.priority.total * 1.4)
    assert proposed.entry.referral == referral
    assert "speaks Polish" in proposed.reasons


def test_a_therapist_near_the_persons_home_is_chosen_over_one_further_away():
    from tutti.geography.models import Postcode

    # Camden (home), a centre 2 km away and one about 14 km away.
    Postcode.objects.create(postcode="NW1 2DB", lat=51.5353, long=-0.1276)
    Postcode.objects.create(postcode="N7 9AA", lat=51.5530, long=-0.1170)
    Postcode.objects.create(postcode="SE9 1AA", lat=51.4500, long=0.0500)
    programme, far_site = programme_at_a_site()
    far_site.postcode = "SE9 1AA"
    far_site.save()
    near_site = SiteFactory(postcode="N7 9AA")
    programme.sites.add(near_site)
    therapist_with_slots(far_site, 1)
    near = therapist_with_slots(near_site, 1)
    waiting(programme)  # lives at NW1 2DB

    [proposed] = proposal_build(programme).proposed

    assert proposed.therapist == near
    [reason] = proposed.reasons
    assert reason.startswith("works 2.") and reason.endswith(" km from their home")
    assert proposed.value == pytest.approx(
        proposed.entry.priority.total * (1 + 0.2 * (1 - 2.1 / 20)), rel=0.01
    )


@pytest.mark.parametrize("role", [Role.THERAPIST, Role.SUPERVISOR, Role.REFERRER])
def test_other_roles_may_not_propose_or_confirm(client, role):
    programme, _ = programme_at_a_site()
    client.force_login(UserFactory(roles=[role]))
    url = reverse("waitlist:allocate", args=[programme.code])
    assert client.get(url).status_code == 403
    assert client.post(url, {"assignment": "X:1"}).status_code == 403


# Confirming -------------------------------------------------------------------------------


def test_confirming_makes_offers_with_events_and_the_therapist(client, coordinator):
    programme, site = programme_at_a_site()
    therapist = therapist_with_slots(site, 2)
    a, b = waiting(programme), waiting(programme)
    url = reverse("waitlist:allocate", args=[programme.code])

    response = client.post(
        url, {"assignment": [f"{a.reference}:{therapist.pk}", f"{b.reference}:{therapist.pk}"]}
    )

    assert response.status_code == 200
    assert "2 offers made" in response.content.decode()
    for referral in (a, b):
        referral.refresh_from_db()
        assert referral.status == Status.OFFERED
        assert referral.therapist == therapist
        event = ReferralEvent.objects.filter(referral=referral).latest("at")
        assert event.status == Status.OFFERED and event.actor == coordinator


def test_a_stale_second_confirmation_never_over_fills_a_therapist(client, coordinator):
    programme, site = programme_at_a_site()
    therapist = therapist_with_slots(site, 2)
    people = [waiting(programme) for _ in range(4)]
    first = [(r.reference, therapist.pk) for r in people[:2]]
    second = [(r.reference, therapist.pk) for r in people[2:]]  # made from the same capacity

    services.allocation_confirm(programme=programme, assignments=first, actor=coordinator)
    late = services.allocation_confirm(programme=programme, assignments=second, actor=coordinator)

    assert late.offered == []
    assert [s.reference for s in late.skipped] == [r.reference for r in people[2:]]
    assert "has no place left" in late.skipped[0].reason
    assert therapist.referrals.filter(status=Status.OFFERED).count() == 2


def test_a_referral_no_longer_waiting_is_skipped_with_the_reason(client, coordinator):
    programme, site = programme_at_a_site()
    therapist = therapist_with_slots(site, 2)
    gone = waiting(programme)
    gone.status = Status.WITHDRAWN
    gone.save()

    response = client.post(
        reverse("waitlist:allocate", args=[programme.code]),
        {"assignment": f"{gone.reference}:{therapist.pk}"},
    )

    page = response.content.decode()
    assert "0 offers made" in page
    assert f"{gone.reference} is no longer waiting (now &#39;withdrawn&#39;)" in page


@pytest.mark.parametrize(
    "tampered",
    ["nonsense", "REF:abc", "R-NOPE:1", ":", "{ref}:999999", "{other}:{therapist}"],
)
def test_a_tampered_assignment_gets_a_clear_message_not_an_error(client, coordinator, tampered):
    programme, site = programme_at_a_site()
    therapist = therapist_with_slots(site, 2)
    mine = waiting(programme)
    other_programme, _ = programme_at_a_site("OTHER")
    other = waiting(other_programme)
    value = tampered.format(ref=mine.reference, other=other.reference, therapist=therapist.pk)

    response = client.post(
        reverse("waitlist:allocate", args=[programme.code]), {"assignment": value}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "0 offers made" in page and "1 not offered" in page
    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.status == Status.WAITING and other.status == Status.WAITING


def test_confirming_nothing_sends_the_coordinator_back_with_a_message(client, coordinator):
    programme, _ = programme_at_a_site()
    url = reverse("waitlist:allocate", args=[programme.code])
    response = client.post(url, {}, follow=True)
    assert "There were no offers to confirm" in response.content.decode()


# The command ------------------------------------------------------------------------------


def test_command_dry_run_prints_the_comparison_and_changes_nothing(capsys):
    programme, site = programme_at_a_site()
    therapist_with_slots(site, 1)
    referral = waiting(programme)

    call_command("allocate", "--programme", programme.code, "--dry-run")

    out = capsys.readouterr().out
    assert referral.reference in out and "FCFS" in out and "objective" in out
    referral.refresh_from_db()
    assert referral.status == Status.WAITING


def test_command_json_prints_the_engine_solution_and_confirms(capsys):
    programme, site = programme_at_a_site()
    therapist = therapist_with_slots(site, 1)
    referral = waiting(programme)

    coordinator = UserFactory(roles=[Role.COORDINATOR])
    with pytest.raises(CommandError, match="--as USERNAME"):
        call_command("allocate", "--programme", programme.code)
    capsys.readouterr()

    call_command("allocate", "--programme", programme.code, "--json", "--as", coordinator.username)

    solution = json.loads(capsys.readouterr().out)
    assert solution["assignments"] == [
        {"referral": referral.reference, "slot": f"T-{therapist.pk}"}
    ]
    assert set(solution) >= {"objective", "bound", "seconds"}
    referral.refresh_from_db()
    assert referral.status == Status.OFFERED and referral.therapist == therapist
    assert referral.events.latest("pk").actor == coordinator


def test_a_fair_share_that_cannot_be_met_is_explained_not_crashed_on(client, coordinator, capsys):
    programme, north = programme_at_a_site()
    south = programme_at_a_site("OTHER")[1]
    programme.sites.add(south)
    therapist_with_slots(north, 1)
    therapist_with_slots(south, 3)
    for _ in range(2):  # most of the list's priority, but only one place where they asked
        waiting(programme, decile=1, urgency="urgent", site=north)
    for _ in range(2):
        waiting(programme, decile=10, site=south)
    url = reverse("waitlist:allocate", args=[programme.code])

    page = client.get(url).content.decode()
    without = client.get(url, {"run": "1"}).content.decode()

    assert "The fair-share rule cannot be met" in page
    assert "IMD quintile 1 should get at least 2 places" in page
    assert 'name="assignment"' not in page
    assert without.count('name="assignment"') == 3
    with pytest.raises(CommandError, match="IMD quintile 1"):
        call_command("allocate", "--programme", programme.code)


# Group places ------------------------------------------------------------------------------


def test_group_places_go_to_those_in_the_age_band_and_confirming_offers_them(client, coordinator):
    from datetime import date

    from tutti.delivery.models import Offer
    from tutti.delivery.services.offers.places import group_places
    from tutti.delivery.tests.factories import GroupFactory

    programme, site = programme_at_a_site("GROUPS")
    group = GroupFactory(programme=programme, site=site, capacity=2, min_age=16, max_age=24)
    young = [waiting(programme, weeks=w) for w in (1, 2)]  # born 2008: in the band
    older = waiting(programme, weeks=10)
    older.person.date_of_birth = date(1980, 1, 1)
    older.person.save()

    proposal = proposal_build(programme)

    assert {p.entry.referral for p in proposal.proposed} == set(young)
    assert all(p.group == group and p.place == f"{group.name} (group)" for p in proposal.proposed)
    url = reverse("waitlist:allocate", args=[programme.code])
    page = client.get(url).content.decode()
    assert "1 group has 2 free places" in page
    assert f'value="{young[0].reference}:G-{group.pk}"' in page

    response = client.post(url, {"assignment": [p.assignment for p in proposal.proposed]})

    assert "2 offers made" in response.content.decode()
    assert f"a place in {group.name}" in response.content.decode()
    offers = Offer.objects.filter(group=group, status=Offer.Status.PENDING)
    assert {o.referral for o in offers} == set(young)
    assert group_places(group).free == 0
    older.refresh_from_db()
    assert older.status == Status.WAITING


def test_a_group_that_filled_up_meanwhile_is_skipped_with_the_reason(client, coordinator):
    from tutti.delivery.tests.factories import GroupFactory

    programme, site = programme_at_a_site("GROUPS")
    group = GroupFactory(programme=programme, site=site, capacity=1)
    first, second = waiting(programme), waiting(programme)
    url = reverse("waitlist:allocate", args=[programme.code])

    client.post(url, {"assignment": [f"{first.reference}:G-{group.pk}"]})
    page = client.post(url, {"assignment": [f"{second.reference}:G-{group.pk}"]}).content.decode()

    assert "0 offers made" in page and "is full" in page
    second.refresh_from_db()
    assert second.status == Status.WAITING


def test_the_coordinator_can_leave_out_a_proposed_offer_before_confirming(client, coordinator):
    programme, site = programme_at_a_site()
    therapist_with_slots(site, 2)
    kept, left_out = waiting(programme, weeks=3), waiting(programme, weeks=2)
    url = reverse("waitlist:allocate", args=[programme.code])
    page = client.get(url).content.decode()
    for referral in (kept, left_out):
        assert re.search(rf'value="{referral.reference}:\d+" checked', page)

    # The coordinator unticks one: only the ticked offer is sent and made.
    chosen = re.search(rf'value="({kept.reference}:\d+)"', page).group(1)
    response = client.post(url, {"assignment": [chosen]})

    assert "1 offer made" in response.content.decode()
    kept.refresh_from_db()
    left_out.refresh_from_db()
    assert kept.status == Status.OFFERED and left_out.status == Status.WAITING
