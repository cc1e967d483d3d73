"""Therapists' records: specialisms and settings, weekly availability, trainees' placements."""

from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tutti.organisations.tests.factories import SiteFactory
from tutti.workforce.models import PlacementLog, WeeklyAvailability
from tutti.workforce.selectors import placement_hours
from tutti.workforce.services import (
    availability_add,
    placement_log_add,
    therapist_update_placement,
    therapist_update_profile,
)
from tutti.workforce.tests.factories import TherapistFactory, TraineeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def therapist():
    therapist = TherapistFactory(user__full_name="Sam Okafor")
    therapist.sites.set([SiteFactory(name="Holloway centre"), SiteFactory(name="Wyebridge")])
    return therapist


def add(therapist, site=None, weekday=0, start=time(9, 30), end=time(13, 0), **extra):
    return availability_add(
        therapist=therapist,
        site=site or therapist.sites.first(),
        weekday=weekday,
        start=start,
        end=end,
        actor=therapist.user,
        **extra,
    )


def test_a_slot_must_end_after_it_starts(therapist):
    with pytest.raises(ValidationError) as error:
        add(therapist, start=time(14, 0), end=time(14, 0))
    assert error.value.message_dict["end"] == ["The end time must be after the start time."]


def test_slots_of_one_therapist_may_not_overlap_even_at_different_sites(therapist):
    centre, school = therapist.sites.order_by("name")
    add(therapist, site=centre, start=time(9, 30), end=time(13, 0))
    with pytest.raises(ValidationError) as error:
        add(therapist, site=school, start=time(12, 30), end=time(15, 0))
    assert "overlaps the slot on Monday 09:30 to 13:00 at Holloway centre" in str(error.value)
    add(therapist, site=school, start=time(13, 0), end=time(15, 0))  # touching is fine
    add(therapist, site=school, weekday=1, start=time(9, 30), end=time(13, 0))
    other = TherapistFactory()
    other.sites.set([centre])
    add(other, site=centre)  # another therapist's slot at the same time is fine
    assert WeeklyAvailability.objects.filter(therapist=therapist).count() == 3


def test_a_slot_must_be_at_one_of_their_sites(therapist):
    with pytest.raises(ValidationError) as error:
        add(therapist, site=SiteFactory(name="Somewhere else"))
    assert "does not work at Somewhere else" in error.value.message_dict["site"][0]


def test_leaving_a_site_removes_its_slots(therapist):
    centre, school = therapist.sites.order_by("name")
    add(therapist, site=centre)
    add(therapist, site=school, weekday=2)
    therapist_update_profile(therapist=therapist, actor=therapist.user, sites=[centre])
    assert list(therapist.availability.values_list("site__name", flat=True)) == ["Holloway centre"]


def test_specialisms_and_settings_must_be_known_codes(therapist):
    with pytest.raises(ValidationError) as error:
        therapist_update_profile(
            therapist=therapist, actor=therapist.user, work_settings=["moon_base"]
        )
    assert "Unknown settings: moon_base" in error.value.message_dict["work_settings"][0]
    therapist_update_profile(
        therapist=therapist,
        actor=therapist.user,
        specialisms=["autism", "dementia"],
        work_settings=["school"],
        weekly_group_capacity=2,
    )
    therapist.refresh_from_db()
    assert therapist.specialism_labels == ["Autism", "Dementia"]
    assert therapist.work_setting_labels == ["School"]


def test_only_trainees_have_a_placement_and_it_ends_after_it_starts(therapist):
    site = therapist.sites.first()
    with pytest.raises(ValidationError, match="Only trainees have a placement"):
        therapist_update_placement(therapist=therapist, actor=None, placement_site=site)
    trainee = TraineeFactory()
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        therapist_update_placement(
            therapist=trainee,
            actor=None,
            placement_site=site,
            placement_starts_on=today,
            placement_ends_on=today,
        )
    assert error.value.message_dict["placement_ends_on"] == [
        "The placement must end after it starts."
    ]


def test_placement_hours_are_counted_and_checked():
    trainee = TraineeFactory()
    today = timezone.localdate()
    trainee.placement_starts_on = today - timedelta(days=30)
    trainee.save()
    log = dict(trainee=trainee, actor=trainee.user, activity=PlacementLog.Activity.CLINICAL)
    placement_log_add(worked_on=today - timedelta(days=2), hours=Decimal("2.5"), **log)
    placement_log_add(worked_on=today - timedelta(days=1), hours=Decimal("3"), **log)
    placement_log_add(worked_on=today - timedelta(days=1), hours=Decimal("8"), **log)
    assert placement_hours(trainee) == Decimal("13.5")

    with pytest.raises(ValidationError) as error:
        placement_log_add(worked_on=today - timedelta(days=1), hours=Decimal("1.5"), **log)
    assert "11 hours are already logged for this day" in error.value.message_dict["hours"][0]
    with pytest.raises(ValidationError) as error:
        placement_log_add(worked_on=today - timedelta(days=31), hours=Decimal("1"), **log)
    assert "The placement starts on" in error.value.message_dict["worked_on"][0]
    with pytest.raises(ValidationError) as error:
        placement_log_add(worked_on=today + timedelta(days=1), hours=Decimal("1"), **log)
    assert error.value.message_dict["worked_on"] == ["The date must be today or in the past."]
    assert placement_hours(trainee) == Decimal("13.5")


def test_placement_hours_are_only_for_trainees(therapist):
    with pytest.raises(ValidationError, match="only recorded for trainees"):
        placement_log_add(
            trainee=therapist,
            worked_on=timezone.localdate(),
            hours=Decimal("1"),
            activity="clinical",
            actor=None,
        )


def test_a_therapist_adds_a_slot_and_sees_the_error_next_to_the_field(client, therapist):
    centre = therapist.sites.order_by("name").first()
    client.force_login(therapist.user)
    url = reverse("workforce:availability_add", kwargs={"pk": therapist.pk})
    form = {"site": centre.pk, "weekday": "2", "start": "09:30", "end": "13:00"}
    response = client.post(url, form)
    assert response.status_code == 302
    response = client.post(url, {**form, "start": "12:00", "end": "14:00"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "This overlaps the slot on Wednesday 09:30 to 13:00" in page
    assert 'value="12:00"' in page and 'value="14:00"' in page  # what was typed is kept
    response = client.post(url, {**form, "start": "half nine"})
    assert "Enter the start time as hours and minutes, like 09:30" in response.content.decode()


def test_a_trainee_logs_placement_hours_on_the_page(client):
    trainee = TraineeFactory()
    day = timezone.localdate()
    client.force_login(trainee.user)
    url = reverse("workforce:placement_log_add", kwargs={"pk": trainee.pk})
    response = client.post(
        url,
        {
            "worked_on_0": day.day,
            "worked_on_1": day.month,
            "worked_on_2": day.year,
            "hours": "2.5",
            "activity": "observation",
            "note": "Observed a group at NW1 2DB",
        },
    )
    assert "Remove the postcode (NW1 2DB)" in response.content.decode()
    response = client.post(
        url,
        {
            "worked_on_0": day.day,
            "worked_on_1": day.month,
            "worked_on_2": day.year,
            "hours": "2.5",
            "activity": "observation",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("workforce:therapist", kwargs={"pk": trainee.pk})).content.decode()
    assert "Observing a qualified therapist" in page and "2.5" in page
    assert "session notes will need their supervisor" in page
