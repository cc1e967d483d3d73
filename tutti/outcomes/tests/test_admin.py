"""An administrator enters licensed wording in the back office; until then it is blank."""

import pytest

from tutti.accounts.roles import Role
from tutti.accounts.tests.factories import UserFactory
from tutti.outcomes.models import Measure

pytestmark = pytest.mark.django_db


def admin_form(measure, **changes):
    items = list(measure.items.all())
    data = {
        "instructions": measure.instructions,
        "option_labels": measure.option_labels,
        "change_sd": measure.change_sd or "",
        "change_reliability": measure.change_reliability or "",
        "change_source": measure.change_source,
        "position": measure.position,
        "is_active": "on",
        "items-TOTAL_FORMS": len(items),
        "items-INITIAL_FORMS": len(items),
        "items-MIN_NUM_FORMS": 0,
        "items-MAX_NUM_FORMS": 1000,
    }
    for index, item in enumerate(items):
        data[f"items-{index}-id"] = item.pk
        data[f"items-{index}-measure"] = measure.pk
        data[f"items-{index}-wording"] = item.wording
        data[f"items-{index}-easy_read_wording"] = item.easy_read_wording
    data.update(changes)
    return data


@pytest.fixture
def administrator(client):
    user = UserFactory(roles=[Role.ADMINISTRATOR], is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def test_licensed_wording_is_blank_until_an_administrator_enters_it(client, administrator):
    core10 = Measure.objects.get(code="core10")
    assert not core10.wording_entered and core10.option_labels == ""
    page = client.get(f"/back-office/outcomes/measure/{core10.pk}/change/").content.decode()
    assert "CORE System Trust" in page  # the licence note is shown where the wording goes in
    wording = {f"items-{i}-wording": f"Licensed statement {i + 1}" for i in range(10)}
    labels = "Not at all\nOnly occasionally\nSometimes\nOften\nMost or all of the time"
    reply = client.post(
        f"/back-office/outcomes/measure/{core10.pk}/change/",
        admin_form(core10, option_labels=labels, **wording),
    )
    assert reply.status_code == 302, reply.content.decode()[:2000]
    core10.refresh_from_db()
    assert core10.wording_entered and core10.option_label_list[-1] == "Most or all of the time"


def test_answer_labels_must_match_the_scale(client, administrator):
    core10 = Measure.objects.get(code="core10")
    reply = client.post(
        f"/back-office/outcomes/measure/{core10.pk}/change/",
        admin_form(core10, option_labels="Never\nAlways"),
    )
    assert "Enter 5 labels, one a line, from 0 to 4; there are 2." in reply.content.decode()


def test_reliable_change_figures_need_their_source(client, administrator):
    ucla3 = Measure.objects.get(code="ucla3")
    reply = client.post(
        f"/back-office/outcomes/measure/{ucla3.pk}/change/",
        admin_form(ucla3, change_sd="1.5", change_reliability="", change_source=""),
    )
    assert "Enter both the SD and the reliability, or neither." in reply.content.decode()


def test_measures_are_not_added_or_deleted_in_the_back_office(client, administrator):
    assert client.get("/back-office/outcomes/measure/add/").status_code == 403
    core10 = Measure.objects.get(code="core10")
    assert client.get(f"/back-office/outcomes/measure/{core10.pk}/delete/").status_code == 403
