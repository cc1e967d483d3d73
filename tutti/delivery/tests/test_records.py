"""Session records: writing and amending with every version kept, who may read the notes,
and a trainee's record signed off by their supervisor."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from markupsafe import escape

from tutti.accounts.roles import Role
from tutti.accounts.tests.factories import UserFactory
from tutti.core.models import AccessEvent
from tutti.delivery.models import ParticipantNote, Session, SessionRecord
from tutti.delivery.services.records import (
    session_record_return,
    session_record_save,
    session_record_sign_off,
)
from tutti.delivery.tests.factories import (
    AttendanceFactory,
    EpisodeFactory,
    GroupFactory,
    SessionFactory,
    at,
)
from tutti.organisations.tests.factories import SiteFactory
from tutti.workforce.tests.factories import TherapistFactory, TraineeFactory

pytestmark = pytest.mark.django_db

S = SessionRecord.Status
NOTE = "Sam led a call-and-response on the djembe and smiled when the group echoed him."


@pytest.fixture
def yesterday():
    return timezone.localdate() - timedelta(days=1)


@pytest.fixture
def session(yesterday):
    session = SessionFactory(starts_at=at(yesterday, 10))
    AttendanceFactory(session=session, episode=session.episode)
    return session


def write(session, actor=None, member_notes=None, **data):
    actor = actor or session.therapists.first().user
    data = {"musical_work": ["improvisation"], "notes": NOTE, **data}
    return session_record_save(
        session=session, data=data, member_notes=member_notes or {}, actor=actor
    )


def group_session(day, therapists=None, members=3):
    group = GroupFactory(**({"therapists": therapists} if therapists else {}))
    session = SessionFactory(
        kind=Session.Kind.GROUP,
        group=group,
        episode=None,
        programme=group.programme,
        starts_at=at(day, 16),
    )
    episodes = [EpisodeFactory(programme=group.programme, group=group) for _ in range(members)]
    for episode in episodes:
        AttendanceFactory(session=session, episode=episode)
    return session, episodes


# Writing and amending


def test_a_therapist_writes_a_final_record_and_its_first_version_is_kept(session):
    therapist = session.therapists.get()
    record = write(session, instruments="djembe, piano", present=["parent_carer"])
    assert record.status == S.FINAL and record.written_by == therapist.user
    assert record.musical_work == ["improvisation"] and record.present == ["parent_carer"]
    [version] = record.history.all()
    assert version.history_user == therapist.user
    assert version.history_change_reason == "Written"


def test_every_amendment_keeps_the_previous_version_and_shows_what_changed(session):
    write(session)
    record = write(session, notes=NOTE + " He asked to bring his own guitar next week.")
    assert record.was_changed
    newest, oldest = record.history.all()
    assert oldest.notes == NOTE and newest.history_change_reason == "Amended"
    delta = newest.diff_against(oldest, included_fields=["notes", "musical_work"])
    assert [change.field for change in delta.changes] == ["notes"]
    # Saving again with nothing changed keeps no new version.
    same = write(session, notes=NOTE + " He asked to bring his own guitar next week.")
    assert not same.was_changed and record.history.count() == 2


def test_the_audit_log_records_the_change_but_never_the_words(session):
    record = write(session)
    write(session, notes="Quite different words about the session.")
    entries = LogEntry.objects.get_for_object(record)
    assert entries.count() == 2
    for entry in entries:
        text = str(entry.changes)
        assert "djembe" not in text and "different words" not in text
        assert "characters]" in text


def test_bad_input_gets_a_message_next_to_the_field(session):
    with pytest.raises(ValidationError) as error:
        write(session, notes="", musical_work=[])
    assert "Write a note, or choose the musical work" in str(error.value.message_dict["notes"])
    with pytest.raises(ValidationError) as error:
        write(session, present=["other"], present_other="")
    assert "Say who else was there" in str(error.value.message_dict["present_other"])
    with pytest.raises(ValidationError) as error:
        write(session, musical_work=["karaoke"])
    assert "musical_work" in error.value.message_dict
    assert not SessionRecord.objects.exists()


def test_someone_else_typed_in_counts_as_someone_else_present(session):
    record = write(session, present_other="a speech and language therapist")
    assert record.present == ["other"]


def test_no_record_before_the_session_starts_or_for_a_cancelled_session(yesterday):
    later = SessionFactory(starts_at=at(yesterday + timedelta(days=3), 10))
    with pytest.raises(ValidationError, match="once the session has started"):
        write(later)
    cancelled = SessionFactory(starts_at=at(yesterday, 9), status=Session.Status.CANCELLED)
    with pytest.raises(ValidationError, match="cancelled"):
        write(cancelled)


def test_only_the_sessions_therapists_write_its_record(session):
    supervisor = TherapistFactory()
    session.therapists.update(supervisor=supervisor)
    for outsider in (
        supervisor.user,
        TherapistFactory().user,
        UserFactory(roles=[Role.COORDINATOR]),
        UserFactory(roles=[Role.SUPERVISOR]),
    ):
        with pytest.raises(PermissionDenied):
            write(session, actor=outsider)


def test_a_group_record_has_one_group_note_and_a_short_note_per_member(yesterday):
    session, (ana, ben, cal) = group_session(yesterday)
    record = write(
        session,
        notes="The group wrote a verse together.",
        member_notes={ana.pk: "Sang the chorus alone.", ben.pk: "", cal.pk: "Left early."},
    )
    notes = {n.episode_id: n.note for n in record.notes_about.all()}
    assert notes == {ana.pk: "Sang the chorus alone.", cal.pk: "Left early."}
    # Amend: change one, remove one, add one. Each keeps its versions.
    write(
        session,
        notes="The group wrote a verse together.",
        member_notes={ana.pk: "Sang the chorus alone, twice.", ben.pk: "Played bass.", cal.pk: ""},
    )
    notes = {n.episode_id: n.note for n in record.notes_about.all()}
    assert notes == {ana.pk: "Sang the chorus alone, twice.", ben.pk: "Played bass."}
    cal_versions = ParticipantNote.history.filter(record_id=record.pk, episode_id=cal.pk)
    assert [v.history_type for v in cal_versions] == ["-", "+"]
    stranger = EpisodeFactory()
    with pytest.raises(ValidationError) as error:
        write(session, member_notes={stranger.pk: "Who is this?"})
    assert f"member_{stranger.pk}" in error.value.message_dict


def test_an_individual_session_has_no_member_notes(session):
    with pytest.raises(ValidationError, match="Only a group session"):
        write(session, member_notes={session.episode_id: "A note"})


# Trainees and sign-off


@pytest.fixture
def trainee_session(yesterday):
    trainee = TraineeFactory()
    episode = EpisodeFactory(therapists=[trainee])
    session = SessionFactory(episode=episode, starts_at=at(yesterday, 11))
    AttendanceFactory(session=session, episode=episode)
    return trainee, session


def test_a_trainees_record_waits_for_their_supervisors_sign_off(trainee_session):
    trainee, session = trainee_session
    record = write(session)
    assert record.status == S.AWAITING_SIGN_OFF
    supervisor = trainee.supervisor.user
    record = session_record_sign_off(record=record, actor=supervisor)
    assert record.status == S.FINAL and record.signed_off_by == supervisor
    assert record.signed_off_at is not None
    assert record.history.first().history_change_reason == "Signed off"


def test_only_the_trainees_own_supervisor_or_a_clinical_lead_signs_off(trainee_session):
    trainee, session = trainee_session
    record = write(session)
    for not_allowed in (
        trainee.user,
        TherapistFactory().user,  # another therapist, even one who supervises others
        TraineeFactory().supervisor.user,
        UserFactory(roles=[Role.COORDINATOR]),
    ):
        with pytest.raises(PermissionDenied):
            session_record_sign_off(record=record, actor=not_allowed)
    lead = UserFactory(roles=[Role.SUPERVISOR])
    assert session_record_sign_off(record=record, actor=lead).status == S.FINAL
    with pytest.raises(ValidationError, match="not waiting for sign-off"):
        session_record_sign_off(record=record, actor=trainee.supervisor.user)


def test_an_amendment_by_the_trainee_after_sign_off_goes_back_for_sign_off(trainee_session):
    trainee, session = trainee_session
    record = write(session)
    session_record_sign_off(record=record, actor=trainee.supervisor.user)
    record = write(session, notes=NOTE + " Added after supervision.")
    assert record.status == S.AWAITING_SIGN_OFF
    assert record.signed_off_by is None and record.signed_off_at is None


def test_the_supervisor_returns_a_record_with_comments_and_the_trainee_amends_it(
    trainee_session,
):
    trainee, session = trainee_session
    record = write(session)
    supervisor = trainee.supervisor.user
    with pytest.raises(ValidationError, match="Say what the trainee should change"):
        session_record_return(record=record, comment="", actor=supervisor)
    record = session_record_return(
        record=record, comment="Describe what he did, not how he felt.", actor=supervisor
    )
    assert record.status == S.RETURNED
    record = write(session, notes="He played four beats and waited for my reply.")
    assert record.status == S.AWAITING_SIGN_OFF and record.return_comment == ""
    assert record.history.first().history_change_reason == (
        "Amended after the supervisor's comments"
    )


def test_a_qualified_co_therapist_amending_a_waiting_record_does_not_sign_it_off(
    trainee_session,
):
    trainee, session = trainee_session
    colleague = TherapistFactory()
    session.therapists.add(colleague)
    write(session)
    record = write(session, actor=colleague.user, instruments="guitar")
    assert record.status == S.AWAITING_SIGN_OFF


# Pages: who may read the notes


def test_the_therapist_writes_the_record_on_its_page(client, session):
    client.force_login(session.therapists.get().user)
    url = reverse("delivery:session_record", kwargs={"pk": session.pk})
    assert "Save session record" in client.get(url).content.decode()
    response = client.post(url, {"notes": "", "present": ["other"]})
    page = response.content.decode()
    assert "There is a problem" in page and "Say who else was there" in page
    response = client.post(
        url,
        {"musical_work": ["improvisation", "listening"], "instruments": "piano", "notes": NOTE},
        follow=True,
    )
    assert "Session record saved" in response.content.decode()
    record = SessionRecord.objects.get(session=session)
    assert record.musical_work == ["improvisation", "listening"] and record.notes == NOTE
    page = client.get(url).content.decode()
    assert NOTE in page
    assert AccessEvent.objects.filter(
        object_id=str(record.pk), person_id=session.episode.person_id
    ).exists()


def test_supervisor_and_clinical_lead_read_the_notes_and_history_but_do_not_write(client, session):
    supervisor = TherapistFactory()
    session.therapists.update(supervisor=supervisor)
    write(session)
    write(session, notes="Second version of the note.")
    urls = [
        reverse("delivery:session_record", kwargs={"pk": session.pk}),
        reverse("delivery:session_record_history", kwargs={"pk": session.pk}),
    ]
    for reader in (supervisor.user, UserFactory(roles=[Role.SUPERVISOR])):
        client.force_login(reader)
        record_page = client.get(urls[0]).content.decode()
        assert "Second version of the note." in record_page
        assert "Save session record" not in record_page
        history = client.get(urls[1]).content.decode()
        assert NOTE in history and "Second version of the note." in history
        assert "Amended" in history and "Written" in history
        assert client.post(urls[0], {"notes": "Overwritten"}).status_code == 403


def test_coordinators_and_partners_never_see_the_notes(client, session):
    session.site = SiteFactory()
    session.save()
    write(session)
    partner = UserFactory(roles=[Role.PARTNER], organisation=session.site.organisation)
    urls = [
        reverse("delivery:session_record", kwargs={"pk": session.pk}),
        reverse("delivery:session_record_history", kwargs={"pk": session.pk}),
    ]
    client.force_login(UserFactory(roles=[Role.COORDINATOR]))
    for url in urls:
        assert client.get(url).status_code == 403
    # The coordinator sees that a record exists, and its musical work, on the register.
    register = client.get(reverse("delivery:attendance", kwargs={"pk": session.pk}))
    page = register.content.decode()
    assert "A session record has been written" in page and "improvisation" in page
    assert NOTE not in page
    for user in (partner, TherapistFactory().user, UserFactory(roles=[Role.COMMISSIONER])):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code in (403, 404)


def test_the_history_page_names_who_changed_what_for_a_group(client, yesterday):
    session, (ana, *_) = group_session(yesterday)
    therapist = session.therapists.get().user
    write(session, notes="A verse together.", member_notes={ana.pk: "Sang alone."})
    write(session, notes="A verse together.", member_notes={ana.pk: "Sang alone, twice."})
    client.force_login(therapist)
    page = client.get(
        reverse("delivery:session_record_history", kwargs={"pk": session.pk})
    ).content.decode()
    assert escape(f"Note about {ana.person.full_name}") in page
    assert "Sang alone." in page and "Sang alone, twice." in page
    assert therapist.display_name in page
    assert AccessEvent.objects.filter(person_id=ana.person_id).exists()


def test_the_sign_off_queue_and_the_dashboard(client, trainee_session):
    trainee, session = trainee_session
    write(session)
    supervisor = trainee.supervisor.user
    client.force_login(supervisor)
    dashboard = client.get(reverse("accounts:dashboard")).content.decode()
    assert "session records to sign off (1)" in dashboard
    queue = client.get(reverse("delivery:sign_off_queue")).content.decode()
    assert trainee.user.display_name in queue
    assert reverse("delivery:session_record", kwargs={"pk": session.pk}) in queue
    record_page = client.get(reverse("delivery:session_record", kwargs={"pk": session.pk}))
    assert "Sign off this record" in record_page.content.decode()

    other = TherapistFactory().user
    client.force_login(other)
    assert "Tutti" in client.get(reverse("delivery:sign_off_queue")).content.decode()
    sign_off = reverse("delivery:session_record_sign_off", kwargs={"pk": session.pk})
    assert client.post(sign_off).status_code == 404  # not theirs to read at all

    client.force_login(supervisor)
    response = client.post(sign_off, follow=True)
    assert "Signed off" in response.content.decode()
    assert SessionRecord.objects.get().status == S.FINAL


def test_the_supervisor_returns_a_record_through_the_page(client, trainee_session):
    trainee, session = trainee_session
    write(session)
    client.force_login(trainee.supervisor.user)
    url = reverse("delivery:session_record_return", kwargs={"pk": session.pk})
    assert "Say what the trainee should change" in client.post(url, {}).content.decode()
    client.post(url, {"comment": "Say more about the music."})
    client.force_login(trainee.user)
    page = client.get(reverse("delivery:session_record", kwargs={"pk": session.pk}))
    assert "Say more about the music." in page.content.decode()
    dashboard = client.get(reverse("accounts:dashboard")).content.decode()
    assert "(1 returned with comments)" in dashboard


def test_sessions_to_write_up_lists_the_therapists_own_unfinished_sessions(client, session):
    client.force_login(session.therapists.get().user)
    page = client.get(reverse("delivery:to_write_up")).content.decode()
    assert reverse("delivery:attendance", kwargs={"pk": session.pk}) in page
    assert reverse("delivery:session_record", kwargs={"pk": session.pk}) in page


def test_changing_only_a_members_note_keeps_its_version_but_no_empty_record_version(
    yesterday, trainee_session
):
    session, (ana, *_) = group_session(yesterday)
    write(session, member_notes={ana.pk: "Sang."})
    record = write(session, member_notes={ana.pk: "Sang twice."})
    assert record.was_changed and record.history.count() == 1
    assert ParticipantNote.history.filter(record_id=record.pk).count() == 2
    # A trainee's change to a member's note still sends the record back for sign-off.
    trainee, _ = trainee_session
    session.therapists.add(trainee)
    record = write(session, actor=trainee.user, member_notes={ana.pk: "Sang three times."})
    assert record.status == S.AWAITING_SIGN_OFF and record.history.count() == 2
