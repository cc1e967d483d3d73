from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from tutti.accounts.roles import Role
from tutti.accounts.tests.factories import UserFactory
from tutti.core.models import AccessEvent
from tutti.people.tests.factories import PersonFactory
from tutti.programmes.tests.factories import ProgrammeFactory
from tutti.referrals.models import Referral, Status
from tutti.referrals.tests.factories import ReferralFactory
from tutti.waitlist.models import PriorityPolicy
from tutti.waitlist.priority import DEFAULT_WEIGHTS, priority_of

pytestmark = pytest.mark.django_db
NOW = timezone.now()


def waiting(programme, weeks=1, *, name="Person", decile=5, **fields):
    quintile = (decile + 1) // 2 if decile else None
    person = PersonFactory(given_name=name, imd_decile=decile, imd_quintile=quintile)
    since = NOW - timedelta(weeks=weeks)
    return ReferralFactory(
        person=person,
        programme=programme,
        status=Status.WAITING,
        received_at=since,
        waiting_since=since,
        **fields,
    )


@pytest.fixture
def coordinator(client):
    user = UserFactory(roles=[Role.COORDINATOR])
    client.force_login(user)
    return user


@pytest.fixture
def programme():
    return ProgrammeFactory(code="SONG", priority_circumstances=["social_isolation"])


def test_each_component_is_scored_as_the_policy_says(programme):
    referral = waiting(
        programme,
        weeks=8,
        decile=1,
        urgency="urgent",
        lives_alone=True,
        no_regular_social_contact=False,
        no_other_support=True,
        circumstances=["social_isolation"],
    )
    result = priority_of(
        referral,
        referral.person,
        weights=DEFAULT_WEIGHTS,
        now=NOW,
        priority_circumstances=["social_isolation"],
    )
    points = {part.component: part.points for part in result.parts}
    assert points == {
        "urgency": 3.0,
        "isolation": 1.0,
        "no_other_support": 2.0,
        "deprivation": 3.0,
        "priority_circumstances": 2.0,
        "waiting": 2.0,
    }
    assert result.total == 13.0


def test_no_fixed_abode_counts_as_most_deprived_and_unknown_as_the_middle(programme):
    homeless = waiting(programme)
    homeless.person.postcode = "ZZ99 3VZ"
    unknown = waiting(programme, decile=None)
    unknown.person.imd_decile = None

    def score(referral):
        parts = priority_of(referral, referral.person, weights=DEFAULT_WEIGHTS, now=NOW).parts
        return {part.component: part.score for part in parts}["deprivation"]

    assert score(homeless) == 1.0
    assert score(unknown) == 0.5


def listed_order(page, names):
    return sorted(names, key=page.index)


def test_the_list_is_in_priority_order(client, coordinator, programme):
    waiting(programme, weeks=2, name="Routine")
    waiting(programme, weeks=2, name="Urgent", urgency="urgent")  # 3 points for urgency
    waiting(programme, weeks=10, name="Longwait")  # 2.5 points for waiting, 2 more than Routine
    page = client.get("/waiting-lists/SONG/").content.decode()
    assert listed_order(page, ["Routine", "Urgent", "Longwait"]) == [
        "Urgent",
        "Longwait",
        "Routine",
    ]


def test_each_person_shown_on_the_list_is_recorded_as_viewed(client, coordinator, programme):
    shown = waiting(programme, name="Shown")
    hidden = waiting(programme, name="Hidden", decile=1)
    client.get("/waiting-lists/SONG/?imd_quintile=3")
    viewed = set(AccessEvent.objects.filter(actor=coordinator).values_list("person_id", flat=True))
    assert viewed == {shown.person_id}
    assert hidden.person_id not in viewed


def test_equal_points_go_to_the_longer_wait(client, coordinator, programme):
    PriorityPolicy.objects.create(programme=programme, waiting=0)
    waiting(programme, weeks=2, name="Newer")
    waiting(programme, weeks=9, name="Older")
    page = client.get("/waiting-lists/SONG/").content.decode()
    assert listed_order(page, ["Newer", "Older"]) == ["Older", "Newer"]


def test_counts_match_the_referral_records_exactly(client, coordinator, programme):
    for weeks in range(7):
        waiting(programme, weeks=weeks * 5)
    ReferralFactory(programme=programme, status=Status.OFFERED)
    ReferralFactory(programme=ProgrammeFactory(), status=Status.WAITING)
    page = client.get("/waiting-lists/SONG/").content.decode()
    expected = Referral.objects.filter(programme=programme, status=Status.WAITING).count()
    assert f"{expected} people are waiting" in page
    beyond = sum(1 for w in range(7) if w * 5 > 18)
    assert f"{beyond} have waited longer" in page
    assert page.count("nhsuk-tag--red") == beyond


def test_filters_narrow_the_list_but_keep_positions(client, coordinator, programme):
    waiting(programme, name="Deprived", decile=1, urgency="urgent")
    waiting(programme, name="Affluent", decile=10)
    page = client.get("/waiting-lists/SONG/", {"imd_quintile": "5"}).content.decode()
    assert "Affluent" in page and "Deprived" not in page
    assert "1 shown with these filters" in page


def test_bad_filter_is_explained(client, coordinator, programme):
    page = client.get("/waiting-lists/SONG/", {"min_weeks": "lots"}).content.decode()
    assert "Enter a whole number of weeks" in page


def test_csv_export_lists_the_filtered_people_and_records_the_export(
    client, coordinator, programme
):
    first = waiting(programme, name="Exported", urgency="urgent")
    waiting(programme, name="Other")
    response = client.get("/waiting-lists/SONG/export.csv", {"route": "gp"})
    rows = response.content.decode().strip().splitlines()
    assert rows[0].startswith("position,reference,name")
    assert len(rows) == 3  # header + both (the factory's route is gp)
    assert first.reference in rows[1]
    assert AccessEvent.objects.filter(action="export").count() == 2


def test_why_here_shows_each_component(client, coordinator, programme):
    referral = waiting(programme, weeks=20, lives_alone=True)
    page = client.get(f"/waiting-lists/referral/{referral.reference}/").content.decode()
    assert "is number 1 of 1" in page
    assert "Isolation: lives alone" in page
    assert "Waiting 20 weeks" in page
    assert "longer than the 18-week target" in page
    assert AccessEvent.objects.filter(person_id=referral.person_id).exists()


def test_changing_weights_previews_then_saves_and_is_audited(client, coordinator, programme):
    waiting(programme, name="Urgentone", urgency="urgent", weeks=1)
    waiting(programme, name="Longwaiter", weeks=30)
    weights = {
        "urgency": "0",
        "isolation": "2",
        "no_other_support": "2",
        "deprivation": "3",
        "priority_circumstances": "2",
        "waiting": "1",
    }
    preview = client.post("/waiting-lists/SONG/policy/", {**weights, "action": "preview"})
    page = preview.content.decode()
    assert "The new order" in page
    assert not PriorityPolicy.objects.exists()  # nothing saved by a preview
    saved = client.post("/waiting-lists/SONG/policy/", {**weights, "action": "save"})
    assert saved.status_code == 302
    policy = PriorityPolicy.objects.get(programme=programme)
    assert float(policy.urgency) == 0
    assert LogEntry.objects.get_for_object(policy).latest("timestamp").actor == coordinator


@pytest.mark.parametrize(
    "value, message",
    [
        ("-1", "0 or more"),
        ("101", "100 or less"),
        ("two", "Enter a number"),
        ("", "Enter a weight"),
    ],
)
def test_bad_weights_are_explained_and_kept(client, coordinator, programme, value, message):
    weights = {
        "urgency": value,
        "isolation": "2",
        "no_other_support": "2",
        "deprivation": "3",
        "priority_circumstances": "2",
        "waiting": "1",
        "action": "save",
    }
    page = client.post("/waiting-lists/SONG/policy/", weights).content.decode()
    assert message in page
    if value:
        assert f'value="{value}"' in page
    assert not PriorityPolicy.objects.exists()


@pytest.mark.parametrize("role", [Role.THERAPIST, Role.PARTNER, Role.REFERRER, Role.COMMISSIONER])
def test_waiting_lists_are_for_coordinators_only(client, programme, role):
    client.force_login(UserFactory(roles=[role]))
    assert client.get("/waiting-lists/").status_code == 403
    assert client.get("/waiting-lists/SONG/").status_code == 403
    assert client.get("/waiting-lists/SONG/export.csv").status_code == 403
