"""Importing referrals from a CSV file: the command, the upload page and the rules between.

The rule (docs/referral-csv.md): every row is checked first; a file imports whole, or, if any
row has a problem, not at all, with each bad row reported by its line (the header is line 1).
"""

import csv
import io
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from django.conf import settings
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection

from tutti.accounts.roles import Role
from tutti.accounts.tests.factories import UserFactory
from tutti.core.rows import diff_plan
from tutti.geography.models import GPPractice
from tutti.people.models import Person
from tutti.people.tests.factories import PersonFactory
from tutti.programmes.tests.factories import ProgrammeFactory
from tutti.referrals.bulk.importer import (
    COLUMNS,
    MAX_ROWS,
    FileRejected,
    import_referrals,
    read_rows,
)
from tutti.referrals.intake import referral_submit
from tutti.referrals.models import Referral, ReferralEvent, ReferralImport

pytestmark = pytest.mark.django_db

TEMPLATE = Path(settings.BASE_DIR) / "tutti" / "referrals" / "bulk" / "referrals_template.csv"


def nhs_numbers(start=400_000_000):
    """Valid NHS numbers (modulus 11 check digit), in order."""
    base = start
    while True:
        digits = [int(c) for c in f"{base:09d}"]
        check = 11 - sum(d * (10 - i) for i, d in enumerate(digits)) % 11
        if check != 10:
            yield f"{base:09d}{0 if check == 11 else check}"
        base += 1


def row(**changes):
    data = {
        "route": "gp",
        "programme": "CAMDEN-16-24",
        "given_name": "Jordan",
        "family_name": "Mensah",
        "date_of_birth": "2007-03-27",
        "nhs_number": "999 765 4323",
        "postcode": "NW1 2DB",
        "email": "jordan@example.org",
        "phone": "020 7946 0000",
        "referrer_name": "Dr A Patel",
        "referrer_email": "a.patel@nhs.example",
        "referrer_organisation": "Camden Surgery",
        "referrer_ods_code": "F83006",
        "needs": "confidence; social_skills",
        "circumstances": "mental_health",
        "reason": "Low mood since leaving school.",
        "consent_to_refer": "yes",
        "urgency": "routine",
        "lives_alone": "no",
        "no_regular_social_contact": "",
        "no_other_support": "yes",
    }
    data.update(changes)
    return data


def people(n, start=0, **changes):
    numbers = nhs_numbers(400_000_000 + start)
    return [
        row(given_name=f"Person{start + i}", nhs_number=next(numbers), **changes) for i in range(n)
    ]


def csv_bytes(rows, columns=COLUMNS, encoding="utf-8"):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


@pytest.fixture(autouse=True)
def gp_practice(db):
    """The referring practice of the rows above, as the ODS list has it."""
    return GPPractice.objects.create(
        ods_code="F83006", name="AMPTHILL PRACTICE", status="active", prescribing_setting=4
    )


@pytest.fixture
def programme():
    return ProgrammeFactory(code="CAMDEN-16-24", min_age=16, max_age=24)


@pytest.fixture
def coordinator():
    return UserFactory(roles=[Role.COORDINATOR])


# ---- The rule: every row checked, all or nothing ------------------------------------------


def test_a_valid_file_imports_every_row_as_a_referral(programme, coordinator):
    rows = people(3) + [row(nhs_number="", given_name="Sam", date_of_birth="14/09/2008")]
    outcome = import_referrals(csv_bytes(rows), actor=coordinator)

    assert outcome.problems == []
    assert outcome.imported == 4
    referrals = Referral.objects.order_by("pk")
    assert referrals.count() == 4
    first = referrals.first()
    assert first.channel == "csv"
    assert first.programme == programme
    assert first.needs == ["confidence", "social_skills"]
    assert first.lives_alone is False and first.no_regular_social_contact is None
    assert first.gp_practice_code == "F83006"
    assert first.eligible is True  # aged 19 on the programme for 16 to 24
    assert [e.status for e in first.events.all()] == ["received"]
    sam = Person.objects.get(given_name="Sam")
    assert sam.date_of_birth.isoformat() == "2008-09-14"  # DD/MM/YYYY, as spreadsheets write it


def test_a_file_with_one_bad_row_stores_nothing_and_names_every_bad_line(programme):
    rows = people(5)
    rows[1]["date_of_birth"] = "31/02/2001"  # line 3: no such date
    rows[3]["nhs_number"] = "999 765 4324"  # line 5: wrong check digit
    rows[3]["consent_to_refer"] = "no"
    rows[4]["needs"] = "confidence;singing"  # line 6: not a need we know

    outcome = import_referrals(csv_bytes(rows))

    assert Referral.objects.count() == 0
    assert Person.objects.count() == 0
    found = {(p.line, p.field) for p in outcome.problems}
    assert found == {
        (3, "date_of_birth"),
        (5, "nhs_number"),
        (5, "consent_to_refer"),
        (6, "needs"),
    }
    reasons = {p.field: p.message for p in outcome.problems}
    assert "DD/MM/YYYY" in reasons["date_of_birth"]
    assert "check digit" in reasons["nhs_number"]
    assert "Unknown need: singing" in reasons["needs"]


def test_reasons_never_repeat_personal_values(programme):
    rows = [row(postcode="QQ1 1ZZ", given_name="X" * 150, referrer_email="not-an-email")]
    outcome = import_referrals(csv_bytes(rows))
    text = " ".join(f"{p.field} {p.message}" for p in outcome.problems)
    assert {p.field for p in outcome.problems} == {"postcode", "given_name", "referrer_email"}
    assert "QQ1" not in text and "XXXX" not in text and "not-an-email" not in text
    assert "not a valid UK postcode" in text


def test_empty_required_values_and_unknown_codes_are_reported(programme):
    rows = [
        row(reason="", referrer_email=""),
        row(programme="NOWHERE-1", nhs_number="", given_name="B"),
        row(route="internal", nhs_number="", given_name="C"),
        row(urgency="whenever", nhs_number="", given_name="D", consent_to_refer="maybe"),
    ]
    outcome = import_referrals(csv_bytes(rows))
    by_line = {}
    for problem in outcome.problems:
        by_line.setdefault(problem.line, {})[problem.field] = problem.message
    assert by_line[2] == {
        "reason": "This must be filled in.",
        "referrer_email": "This must be filled in.",
    }
    assert by_line[3] == {"programme": "There is no programme with code 'NOWHERE-1'."}
    assert list(by_line[4]) == ["route"] and "self, family, gp" in by_line[4]["route"]
    assert set(by_line[5]) == {"urgency", "consent_to_refer"}
    assert Referral.objects.count() == 0


def test_a_gp_practice_code_is_checked_against_the_ods_list_as_on_the_form(programme):
    rows = [
        row(referrer_ods_code="F83004", given_name="A", nhs_number=""),  # not on the list
        row(referrer_ods_code="F83004", route="school", given_name="B", nhs_number=""),
        row(referrer_ods_code="f83006", given_name="C", nhs_number=""),
    ]
    outcome = import_referrals(csv_bytes(rows))
    assert [(p.line, p.field) for p in outcome.problems] == [(2, "referrer_ods_code")]
    assert "F83004 is not a GP practice code we know" in outcome.problems[0].message
    assert Referral.objects.count() == 0  # all or nothing
    outcome = import_referrals(csv_bytes(rows[1:]))
    assert outcome.problems == [] and outcome.imported == 2


def test_the_professional_forms_other_questions_are_imported(programme):
    rows = [
        row(
            referrer_role="Practice nurse",
            referrer_phone="020 7946 0003",
            safeguarding_concern="yes",
            urgency="routine",
            risks="Disclosed being hit at home.",
            other_services="Social worker: Kim Ode, 020 7946 0004",
        ),
        row(given_name="Ola", nhs_number="", safeguarding_concern="", risks="None known"),
    ]
    outcome = import_referrals(csv_bytes(rows))
    assert outcome.problems == [], outcome.problems
    concern, other = Referral.objects.order_by("pk")
    assert (concern.referrer_role, concern.referrer_phone) == ("Practice nurse", "020 7946 0003")
    # A safeguarding concern makes the referral urgent, as on every route.
    assert concern.safeguarding_concern and concern.urgency == "urgent"
    assert concern.risks == "Disclosed being hit at home."
    assert concern.other_services == "Social worker: Kim Ode, 020 7946 0004"
    assert not other.safeguarding_concern and other.urgency == "routine"


def test_a_closed_programme_is_refused_as_on_every_route(programme):
    programme.open_to_referrals = False
    programme.save()
    outcome = import_referrals(csv_bytes([row()]))
    assert [(p.line, p.field) for p in outcome.problems] == [(2, "programme")]
    assert "not taking referrals" in outcome.problems[0].message


def test_two_rows_for_one_nhs_number_make_one_person_and_flag_the_second(programme):
    first = row(given_name="Jordan")
    second = row(given_name="Jordan", reason="Referred again by the school nurse.")
    outcome = import_referrals(csv_bytes([first, second]))

    assert outcome.imported == 2 and outcome.matched == 1
    assert Person.objects.count() == 1
    a, b = Referral.objects.order_by("pk")
    assert a.person_id == b.person_id
    assert (a.person_match, b.person_match) == ("new", "nhs_number")
    assert b.needs_match_confirmed


def test_people_already_known_are_linked_as_referral_submit_links_them(programme):
    known = PersonFactory(nhs_number="9997654323", postcode="NW1 2DB")
    by_name = PersonFactory(given_name="Ana", family_name="Silva", nhs_number="", postcode="N1 9GU")
    rows = [
        row(),  # same NHS number as `known`
        row(
            nhs_number="",
            given_name="  ana ",
            family_name="SILVA",
            postcode="n1 9gu",
            date_of_birth=by_name.date_of_birth.strftime("%d/%m/%Y"),
        ),
        row(nhs_number="", given_name="Someone", family_name="New"),
    ]
    import_referrals(csv_bytes(rows))
    a, b, c = Referral.objects.order_by("pk")
    assert (a.person, a.person_match) == (known, "nhs_number")
    assert (b.person, b.person_match) == (by_name, "name_dob_postcode")
    assert c.person_match == "new" and Person.objects.count() == 3
    # The same answers one at a time through the intake service:
    again = referral_submit(
        person={
            "given_name": "Ana",
            "family_name": "Silva",
            "date_of_birth": by_name.date_of_birth,
            "postcode": "N1 9GU",
        },
        route="gp",
        consent_to_refer=True,
    )
    assert again.referral.person == by_name


def test_the_audit_trail_records_each_created_record_with_its_importer(programme, coordinator):
    import_referrals(csv_bytes(people(2)), actor=coordinator)
    referral = Referral.objects.first()
    for obj in (referral.person, referral, referral.events.get()):
        entry = LogEntry.objects.get_for_object(obj).get()
        assert entry.action == LogEntry.Action.CREATE
        assert entry.actor == coordinator


def test_an_import_of_many_rows_audits_every_person_referral_and_event(
    programme, coordinator, monkeypatch
):
    import tutti.core.rows as rows
    import tutti.referrals.intake as intake

    monkeypatch.setattr(intake, "BATCH_SIZE", 10)  # several batches, as a large file has
    monkeypatch.setattr(rows, "BATCH_SIZE", 7)
    known = PersonFactory(nhs_number="9997654323")
    file_rows = people(23) + [row(nhs_number="999 765 4323")]  # the last: someone known
    outcome = import_referrals(csv_bytes(file_rows), actor=coordinator)
    assert outcome.imported == 24 and outcome.matched == 1

    def created(model, ids):
        return set(
            LogEntry.objects.get_for_model(model)
            .filter(action=LogEntry.Action.CREATE, actor=coordinator)
            .values_list("object_id", flat=True)
        ) & set(ids)

    referrals = list(Referral.objects.values_list("pk", flat=True))
    people_made = list(Person.objects.exclude(pk=known.pk).values_list("pk", flat=True))
    events = list(ReferralEvent.objects.values_list("pk", flat=True))
    assert len(referrals) == 24 and len(people_made) == 23 and len(events) == 24
    assert created(Referral, referrals) == set(referrals)
    assert created(Person, people_made) == set(people_made)
    assert created(ReferralEvent, events) == set(events)
    # One entry each, never two.
    assert LogEntry.objects.get_for_model(Referral).count() == 24


def test_a_file_links_a_name_written_with_other_capitals_and_spacing_to_the_same_person(
    programme,
):
    known = PersonFactory(
        given_name="Ana",
        family_name="De Souza",
        date_of_birth="2007-03-27",
        postcode="NW1 2DB",
        nhs_number="",
    )
    rows = [
        row(given_name="ANA ", family_name="de  souza", nhs_number=""),
        row(given_name="Bea", family_name="de  souza", nhs_number=""),  # someone else
    ]
    outcome = import_referrals(csv_bytes(rows))
    assert outcome.matched == 1
    assert Referral.objects.get(person=known).person_match == "name_dob_postcode"


def test_an_id_once_used_is_never_given_again(programme):
    import_referrals(csv_bytes(people(2)))
    gone = Referral.objects.order_by("pk").last()
    gone_pk = gone.pk
    gone.events.all().delete()
    gone.delete()
    import_referrals(csv_bytes(people(1, start=10)))
    assert Referral.objects.order_by("pk").last().pk > gone_pk  # its audit trail stays its own


def test_bulk_audit_entries_hold_what_auditlog_itself_would_write(programme):
    submitted = referral_submit(
        person={
            "given_name": "Jordan",
            "family_name": "Mensah",
            "date_of_birth": "2007-03-27",
            "postcode": "NW1 2DB",
            "nhs_number": "9997654323",
        },
        programme=programme,
        route="gp",
        needs=["confidence"],
        consent_to_refer=True,
    )
    referral = Referral.objects.get(pk=submitted.referral.pk)
    for obj in (referral.person, referral, referral.events.get()):
        names = [f.name for f in type(obj)._meta.concrete_fields]
        assert diff_plan(type(obj))(obj) == model_instance_diff(None, obj, names)


def test_each_referrer_gets_the_usual_acknowledgement(
    programme, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        import_referrals(csv_bytes(people(2)))
    assert len(mail.outbox) == 2
    references = set(Referral.objects.values_list("reference", flat=True))
    assert {m.subject.removeprefix("We have your referral ") for m in mail.outbox} == references


# ---- Files that cannot be read --------------------------------------------------------------


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "The file is empty."),
        (b"  \r\n\r\n", "The file is empty."),
        (",".join(COLUMNS).encode(), "column names but no referrals"),
        ("route,prénom\r\ngp,Zoë\r\n".encode("latin-1"), "not saved as UTF-8"),
        (b"route;given_name;family_name\r\ngp;A;B\r\n", "these columns are missing"),
    ],
)
def test_files_that_cannot_be_read_are_refused_whole(data, message):
    with pytest.raises(FileRejected, match=message):
        read_rows(data)


def test_a_wrong_header_names_the_missing_and_unknown_columns():
    columns = [c for c in COLUMNS if c != "postcode"] + ["post_code"]
    with pytest.raises(FileRejected) as refused:
        read_rows(csv_bytes([row()], columns=columns))
    assert "missing: postcode" in str(refused.value)
    assert "not ones we know: post_code" in str(refused.value)


def test_a_header_in_another_case_and_a_byte_order_mark_are_fine(programme):
    header = ",".join(c.upper() for c in COLUMNS)
    body = csv_bytes([row()]).decode().split("\r\n", 1)[1]
    outcome = import_referrals(("\ufeff" + header + "\r\n" + body).encode())
    assert outcome.imported == 1


def test_a_row_with_more_values_than_columns_is_reported(programme):
    line = ",".join(row().get(column, "") for column in COLUMNS)
    data = csv_bytes([row()]).decode() + line + ",surplus\r\n"
    outcome = import_referrals(data.encode())
    assert [(p.line, p.field) for p in outcome.problems] == [(3, "")]
    assert Referral.objects.count() == 0


def test_blank_lines_are_skipped_but_still_counted(programme):
    text = csv_bytes([row()]).decode() + "\r\n,,,\r\n" + csv_bytes([row(route="x")]).decode()
    lines = text.split("\r\n")
    del lines[4]  # the second header
    outcome = import_referrals("\r\n".join(lines).encode())
    assert [(p.line, p.field) for p in outcome.problems] == [(5, "route")]


def test_files_over_the_limits_are_refused():
    header = ",".join(COLUMNS) + "\r\n"
    line = ",".join(row().values()) + "\r\n"
    with pytest.raises(FileRejected, match="more than 20,000 referrals"):
        read_rows((header + line * (MAX_ROWS + 1)).encode())
    with pytest.raises(FileRejected, match="larger than 10 MB"):
        read_rows((header + "x" * (10 * 1024 * 1024)).encode())


def test_the_template_file_is_a_valid_import(programme):
    outcome = import_referrals(TEMPLATE.read_bytes())
    assert outcome.problems == [] and outcome.imported == 2


# ---- The command ----------------------------------------------------------------------------


def test_the_command_imports_a_file_and_says_how_many(programme, tmp_path, coordinator):
    path = tmp_path / "referrals.csv"
    path.write_bytes(csv_bytes(people(3)))
    out, err = io.StringIO(), io.StringIO()
    call_command("import_referrals", str(path), user=coordinator.username, stdout=out, stderr=err)
    assert "Imported 3 referrals from referrals.csv." in out.getvalue()
    assert "Saving referrals" in err.getvalue()  # the progress bar, on stderr
    assert Referral.objects.filter(channel="csv").count() == 3


def test_the_command_lists_bad_lines_writes_a_report_and_imports_nothing(programme, tmp_path):
    rows = people(3)
    rows[2]["postcode"] = "QQ1 1ZZ"
    path, report = tmp_path / "in.csv", tmp_path / "problems.csv"
    path.write_bytes(csv_bytes(rows))
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported: 1 of 3 rows"):
        call_command(
            "import_referrals", str(path), report=str(report), no_progress=True, stderr=err
        )
    assert "line 4, postcode: The value given is not a valid UK postcode" in err.getvalue()
    assert list(csv.reader(report.open())) == [
        ["line", "field", "reason"],
        ["4", "postcode", err.getvalue().split("postcode: ")[1].strip()],
    ]
    assert Referral.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_run_killed_part_way_leaves_no_referral_behind(tmp_path):
    """SIGKILL in the middle of saving: the one transaction was never committed."""
    # Not the GP route: on SQLite the child's database has no ODS list.
    rows = people(3000, postcode="NW1 2DB", programme="", route="school")
    path = tmp_path / "big.csv"
    path.write_bytes(csv_bytes(rows))
    env = {**os.environ, "TUTTI_ENV": "test", "PYTHONUNBUFFERED": "1"}
    vendor = connection.vendor
    if vendor == "sqlite":  # the tests' own database is in memory: use a file the child shares
        database = tmp_path / "killed.sqlite3"
        env["DATABASE_URL"] = f"sqlite:///{database}"
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
            cwd=settings.BASE_DIR,
            env=env,
            check=True,
        )
    else:  # the child writes to this test database, which this test does not wrap
        name = connection.settings_dict["NAME"]
        user = connection.settings_dict["USER"]
        host = connection.settings_dict["HOST"] or "127.0.0.1"
        port = connection.settings_dict["PORT"] or 5432
        password = connection.settings_dict["PASSWORD"]
        auth = f"{user}:{password}@" if password else f"{user}@"
        env["DATABASE_URL"] = f"postgres://{auth}{host}:{port}/{name}"

    child = subprocess.Popen(
        [sys.executable, "manage.py", "import_referrals", str(path), "--no-acknowledgements"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    seen = b""
    saved = 0
    deadline = time.monotonic() + 120
    try:
        while saved < 1000 and time.monotonic() < deadline:
            chunk = os.read(child.stderr.fileno(), 4096)
            if not chunk:
                break
            seen += chunk
            counts = re.findall(rb"Saving referrals:[^\r\n]*?\| *(\d+)/3000", seen)
            saved = int(counts[-1]) if counts else 0
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert 1000 <= saved < 3000, seen[-500:]  # killed part-way through saving
    assert child.returncode == -signal.SIGKILL

    if vendor == "sqlite":
        import sqlite3

        with sqlite3.connect(database) as db:
            counts = [
                db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in ("referrals_referral", "people_person", "referrals_referralevent")
            ]
        assert counts == [0, 0, 0]
    else:
        assert Referral.objects.count() == Person.objects.count() == 0
        assert ReferralEvent.objects.count() == 0


# ---- The upload page ------------------------------------------------------------------------


def upload(client, data, name="referrals.csv"):
    file = io.BytesIO(data)
    file.name = name
    return client.post("/referrals/import/", {"file": file})


@pytest.mark.parametrize("role", [Role.THERAPIST, Role.REFERRER, Role.PARTNER, Role.COMMISSIONER])
def test_only_coordinators_and_administrators_may_import(client, role, coordinator):
    job = ReferralImport.objects.create(file_name="x.csv", uploaded_by=coordinator)
    client.force_login(UserFactory(roles=[role]))
    for path in (
        "/referrals/import/",
        f"/referrals/import/{job.pk}/",
        f"/referrals/import/{job.pk}/problems.csv",
        "/referrals/import/template.csv",
    ):
        assert client.get(path).status_code == 403
    assert upload(client, csv_bytes([row()])).status_code == 403
    assert ReferralImport.objects.count() == 1


def test_a_coordinator_uploads_a_file_and_sees_the_referrals_imported(
    client, coordinator, programme, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    form = client.get("/referrals/import/")
    assert form.status_code == 200
    assert b'type="file"' in form.content and b"Download the CSV template" in form.content

    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, csv_bytes(people(2) + [row(nhs_number="9997654323")] * 2))
    job = ReferralImport.objects.get()
    assert response.status_code == 302 and response.url == f"/referrals/import/{job.pk}/"
    assert job.status == "imported" and job.rows_imported == 4 and job.people_matched == 1
    assert bytes(job.file_data) == b""  # the upload is personal data: gone once imported

    text = client.get(response.url).content.decode()
    assert "Referrals imported" in text
    for reference in Referral.objects.values_list("reference", flat=True):
        assert f'href="/referrals/{reference}/"' in text
    assert "hx-trigger" not in text  # finished: the page stops asking
    assert "1 of them are for people already known" in text
    assert Referral.objects.filter(channel="csv").count() == 4
    assert LogEntry.objects.filter(actor=coordinator, action=0).count() == 3 * 4 - 1


def test_a_file_with_problems_shows_each_line_and_a_report_without_personal_data(
    client, coordinator, programme, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    rows = people(3)
    rows[1]["postcode"] = "QQ1 1ZZ"
    rows[2]["date_of_birth"] = "2007-13-40"
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, csv_bytes(rows))
    job = ReferralImport.objects.get()
    assert job.status == "rejected" and job.rows_imported == 0
    assert Referral.objects.count() == 0 and bytes(job.file_data) == b""

    text = client.get(response.url).content.decode()
    assert "Nothing was imported" in text and "2 of 3 rows have problems" in text
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td.*?</td>", text, re.S)]
    assert cells[0:2] == ["3", "postcode"] and cells[3:5] == ["4", "date_of_birth"]
    assert "not a valid UK postcode" in cells[2] and "DD/MM/YYYY" in cells[5]

    report = client.get(f"/referrals/import/{job.pk}/problems.csv")
    assert report["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(report.content.decode())))
    assert lines[0] == ["line", "field", "reason"]
    assert [line[:2] for line in lines[1:]] == [["3", "postcode"], ["4", "date_of_birth"]]
    for value in ("QQ1", "Person", "2007-13-40", "400000", "example.org"):
        assert value not in report.content.decode()


def test_a_file_that_cannot_be_read_is_refused_next_to_the_field(client, coordinator):
    client.force_login(coordinator)
    for data, name, message in [
        (b"route,given_name\r\ngp,A\r\n", "referrals.csv", "these columns are missing"),
        (csv_bytes([row()]), "referrals.xlsx", "must be a CSV file"),
        ("route\r\nZoë\r\n".encode("utf-16"), "referrals.csv", "not saved as UTF-8"),
    ]:
        response = upload(client, data, name)
        assert response.status_code == 200
        text = response.content.decode()
        assert "There is a problem" in text and message in text
        assert 'class="nhsuk-error-message"' in text
    assert ReferralImport.objects.count() == 0


def test_the_status_page_polls_while_the_import_runs(client, coordinator):
    client.force_login(coordinator)
    job = ReferralImport.objects.create(
        file_name="big.csv",
        uploaded_by=coordinator,
        status="checking",
        rows_total=10000,
        rows_checked=2500,
    )
    html = client.get(f"/referrals/import/{job.pk}/").content.decode()
    assert f'hx-get="/referrals/import/{job.pk}/progress/"' in html
    assert 'hx-trigger="every 2s"' in html
    fragment = client.get(f"/referrals/import/{job.pk}/progress/").content.decode()
    assert "Checked 2,500 of 10,000 rows" in fragment and "<html" not in fragment


def test_the_template_can_be_downloaded(client, coordinator):
    client.force_login(coordinator)
    response = client.get("/referrals/import/template.csv")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == TEMPLATE.read_bytes()


# ---- In a real browser (Playwright + Debian's Chromium, checked with axe) ----------------

from tutti.core.tests.browser import (  # noqa: E402  (the shared browser fixtures)
    SCREENSHOT_DIR,
    assert_no_browser_problems,
    assert_no_serious_axe_violations,
    browser,  # noqa: F401
    expect,
    page,  # noqa: F401
    strict_page,  # noqa: F401
)


def _sign_in(tab, role=Role.COORDINATOR):
    from django.contrib.auth.models import Group

    user = UserFactory(username="cora", password="correct horse battery staple")
    user.groups.add(Group.objects.get_or_create(name=str(role))[0])
    tab.goto("/account/sign-in/")
    tab.get_by_label("Email address or username").fill("cora")
    tab.get_by_label("Password", exact=True).fill("correct horse battery staple")
    with tab.expect_navigation():
        tab.get_by_role("button", name="Sign in").click()
    return user


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_in_a_browser_a_bad_file_shows_its_lines_and_a_good_one_its_referrals(page, tmp_path):  # noqa: F811
    ProgrammeFactory(code="CAMDEN-16-24", min_age=16, max_age=24)
    _sign_in(page)
    page.goto("/referrals/import/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Import referrals from a file")
    assert_no_serious_axe_violations(page)

    rows = people(3)
    rows[1]["postcode"] = "QQ1 1ZZ"
    bad = tmp_path / "partner-referrals.csv"
    bad.write_bytes(csv_bytes(rows))
    page.get_by_label("Upload a CSV file of referrals").set_input_files(str(bad))
    with page.expect_navigation():
        page.get_by_role("button", name="Upload and check").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Nothing was imported")
    expect(page.locator("table")).to_contain_text("postcode")
    page.screenshot(path=str(SCREENSHOT_DIR / "tutti-import-problems.png"), full_page=True)
    assert_no_serious_axe_violations(page)

    good = tmp_path / "partner-referrals-corrected.csv"
    good.write_bytes(csv_bytes(people(3)))
    page.goto("/referrals/import/")
    page.get_by_label("Upload a CSV file of referrals").set_input_files(str(good))
    with page.expect_navigation():
        page.get_by_role("button", name="Upload and check").click()
    expect(page.locator(".nhsuk-panel")).to_contain_text("3 referrals from this file")
    page.screenshot(path=str(SCREENSHOT_DIR / "tutti-import-done.png"), full_page=True)
    assert_no_serious_axe_violations(page)
    assert Referral.objects.count() == 3


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_in_a_browser_the_status_page_updates_itself_under_the_csp(strict_page):  # noqa: F811
    user = _sign_in(strict_page)
    job = ReferralImport.objects.create(
        file_name="big.csv", uploaded_by=user, status="checking", rows_total=10000
    )
    strict_page.goto(f"/referrals/import/{job.pk}/")
    expect(strict_page.locator("#import-progress")).to_contain_text("Checked 0 of 10,000 rows")
    ReferralImport.objects.filter(pk=job.pk).update(rows_checked=5000)
    expect(strict_page.locator("#import-progress")).to_contain_text("Checked 5,000 of 10,000")
    ReferralImport.objects.filter(pk=job.pk).update(
        status="rejected", row_problems=[{"line": 7, "field": "postcode", "message": "Bad."}]
    )
    expect(strict_page.locator("#problems")).to_be_visible()
    strict_page.screenshot(path=str(SCREENSHOT_DIR / "tutti-import-polled.png"), full_page=True)
    assert_no_browser_problems(strict_page)
