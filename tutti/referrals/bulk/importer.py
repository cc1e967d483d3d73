"""Referrals from a CSV file: every row checked, then all of them recorded, or none.

A file is read whole (it is at most MAX_BYTES and MAX_ROWS rows). Each row is turned into the
JSON API's shape and checked by `tutti.referrals.intake.referral_check`, the same checks every
route makes; then, only if every row passed, `intake.referrals_record` stores them all in one
transaction. A file with any bad row stores nothing: the report names each bad row by its line
(the header is line 1) and says which column is wrong and why. See docs/referral-csv.md.

Nothing here logs or reports the file's content: a report holds line numbers, column names and
reasons, with any value a reason would repeat left out.
"""

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from django.core.exceptions import ValidationError
from django.db import transaction

from tutti.core.vocab import Route
from tutti.geography.services import gp_practice_problem, referrer_ods_code_problem
from tutti.programmes.models import Programme
from tutti.referrals.intake import referral_check, referrals_record
from tutti.referrals.models import Channel, PersonMatch
from tutti.referrals.selectors import referrer_organisation_for

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000

COLUMNS = [
    "route",
    "programme",
    "given_name",
    "family_name",
    "date_of_birth",
    "nhs_number",
    "postcode",
    "email",
    "phone",
    "referrer_name",
    "referrer_email",
    "referrer_organisation",
    "referrer_ods_code",
    "needs",
    "circumstances",
    "reason",
    "consent_to_refer",
    "urgency",
    "lives_alone",
    "no_regular_social_contact",
    "no_other_support",
    "referrer_role",
    "referrer_phone",
    "safeguarding_concern",
    "risks",
    "other_services",
]
# As the JSON API requires them; the other columns may be left out or left empty.
REQUIRED = [
    "route",
    "given_name",
    "family_name",
    "date_of_birth",
    "postcode",
    "referrer_name",
    "referrer_email",
    "referrer_organisation",
    "reason",
    "consent_to_refer",
]
ROUTES = [code for code in Route.values if code != Route.INTERNAL]
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0"}
EXTRA = "__extra__"  # marks a row with more values than the header has columns
_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")

# Where an error from the intake service belongs in the file.
_COLUMN_OF = {
    "referrer_organisation_name": "referrer_organisation",
    "gp_practice_code": "referrer_ods_code",
    "__all__": "",
}
# Columns whose values are codes, not personal data: a reason may repeat them.
_CODE_COLUMNS = {"route", "programme", "needs", "circumstances", "urgency", "referrer_ods_code"}


class FileRejected(Exception):
    """The file as a whole cannot be read (not CSV, not UTF-8, wrong header, too big)."""


@dataclass(frozen=True)
class RowProblem:
    line: int
    field: str
    message: str

    def as_dict(self):
        return {"line": self.line, "field": self.field, "message": self.message}


@dataclass
class Outcome:
    rows: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    referral_ids: list[int] = field(default_factory=list)
    matched: int = 0

    @property
    def imported(self):
        return len(self.referral_ids)


Progress = Callable[[str, int, int], None]  # (stage, rows done so far, rows in all)


def import_referrals(
    data: bytes, *, actor=None, progress: Progress | None = None, acknowledge=True
) -> Outcome:
    """Check every row of a CSV file; if all pass, record them all. Raises FileRejected."""
    rows = read_rows(data)
    outcome = Outcome(rows=len(rows))
    checked, outcome.problems = check_rows(rows, progress=progress)
    if outcome.problems:
        return outcome
    saved = 0

    def saving(n):
        nonlocal saved
        saved += n
        if progress:
            progress("saving", saved, len(checked))

    if progress:
        progress("saving", 0, len(checked))
    with transaction.atomic():
        submitted = referrals_record(checked, actor=actor, progress=saving)
        outcome.referral_ids = [s.referral.pk for s in submitted]
        outcome.matched = sum(s.referral.person_match != PersonMatch.NEW for s in submitted)
        if acknowledge and outcome.referral_ids:
            from tutti.referrals.bulk.tasks import acknowledge_referrals

            ids = outcome.referral_ids
            transaction.on_commit(lambda: acknowledge_referrals.enqueue(ids))
    return outcome


def read_rows(data: bytes) -> list[tuple[int, dict]]:
    """The file's rows as (line, {column: text}), blank lines left out. Raises FileRejected."""
    if len(data) > MAX_BYTES:
        raise FileRejected(
            f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB. "
            f"Split it into files of at most {MAX_ROWS:,} referrals."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRejected(
            "The file is not saved as UTF-8 text. In Excel, use Save As and choose "
            "“CSV UTF-8 (Comma delimited)”."
        ) from None
    if not text.strip():
        raise FileRejected("The file is empty.")
    if "\x00" in text:
        raise FileRejected("The file is not a CSV file: save the spreadsheet as CSV.")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip().casefold() for name in next(reader)]
        _check_header(header)
        rows = []
        # A line is a row as a spreadsheet numbers it: the header is line 1.
        for line, values in enumerate(reader, start=2):
            if not any(value.strip() for value in values):
                continue
            if len(rows) == MAX_ROWS:
                raise FileRejected(
                    f"The file has more than {MAX_ROWS:,} referrals. Split it into smaller files."
                )
            row = dict(zip(header, values, strict=False))
            if any(value.strip() for value in values[len(header) :]):
                row[EXTRA] = "yes"
            rows.append((line, row))
    except csv.Error as error:
        raise FileRejected(
            f"The file could not be read as CSV near line {reader.line_num}: {error}."
        ) from None
    if not rows:
        raise FileRejected("The file has column names but no referrals.")
    return rows


def _check_header(header):
    known = set(COLUMNS)
    missing = [name for name in REQUIRED if name not in header]
    unknown = [name or "(a column with no name)" for name in header if name not in known]
    repeated = sorted({name for name in header if name and header.count(name) > 1})
    problems = []
    if missing:
        problems.append(f"these columns are missing: {', '.join(missing)}")
    if unknown:
        problems.append(f"these columns are not ones we know: {', '.join(unknown)}")
    if repeated:
        problems.append(f"these columns appear twice: {', '.join(repeated)}")
    if problems:
        raise FileRejected(
            "The first line must be the column names from the template. In this file, "
            + "; ".join(problems)
            + "."
        )


def check_rows(rows, *, progress: Progress | None = None):
    """Each row checked as the intake service checks any referral: (checked, problems)."""
    programmes = {}
    organisations = {}
    practices = cache(gp_practice_problem)  # each GP practice looked up once a file
    checked = []
    problems = []
    total = len(rows)
    for done, (line, row) in enumerate(rows, start=1):
        try:
            checked.append(_check_row(row, programmes, organisations, practices))
        except ValidationError as error:
            problems.extend(_problems(line, error))
        if progress and (done % 250 == 0 or done == total):
            progress("checking", done, total)
    return checked, problems


def _check_row(row, programmes, organisations, practices):
    def value(name):
        return (row.get(name) or "").strip()

    errors = {}
    if EXTRA in row:
        errors[""] = ["This line has more values than there are columns."]
    for name in REQUIRED:
        if not value(name):
            errors[name] = ["This must be filled in."]

    route = value("route").lower()
    if route and route not in ROUTES:
        errors["route"] = [f"Use one of: {', '.join(ROUTES)}."]
    date_of_birth = None
    if value("date_of_birth"):
        date_of_birth = _date(value("date_of_birth"))
        if date_of_birth is None:
            errors["date_of_birth"] = [
                "Write the date of birth as YYYY-MM-DD, like 2007-03-27, "
                "or DD/MM/YYYY, like 27/03/2007, and check it is a real date."
            ]
    flags = {}
    for name in (
        "consent_to_refer",
        "lives_alone",
        "no_regular_social_contact",
        "no_other_support",
        "safeguarding_concern",
    ):
        text = value(name).casefold()
        flags[name] = True if text in YES else False if text in NO else None
        if text and flags[name] is None:
            errors[name] = ["Write yes or no."]

    programme = None
    code = value("programme").upper()
    if code:
        if code not in programmes:
            programmes[code] = Programme.objects.filter(code=code).first()
        programme = programmes[code]
        if programme is None:
            errors["programme"] = [f"There is no programme with code '{code}'."]

    ods_code = value("referrer_ods_code").upper().replace(" ", "")
    if ods_code not in organisations:
        organisations[ods_code] = referrer_organisation_for(ods_code=ods_code)
    problem = referrer_ods_code_problem(ods_code, route, practice_problem=practices)
    if problem:  # as the professional form checks it
        errors["referrer_ods_code"] = [problem]
    fields = {
        "route": route,
        "referrer_name": value("referrer_name"),
        "referrer_email": value("referrer_email"),
        "referrer_organisation": organisations[ods_code],
        "referrer_organisation_name": value("referrer_organisation"),
        "gp_practice_code": ods_code if route == Route.GP else "",
        "needs": _codes(value("needs")),
        "circumstances": _codes(value("circumstances")),
        "reason": value("reason"),
        "consent_to_refer": bool(flags["consent_to_refer"]),
        "lives_alone": flags["lives_alone"],
        "no_regular_social_contact": flags["no_regular_social_contact"],
        "no_other_support": flags["no_other_support"],
        "referrer_role": value("referrer_role"),
        "referrer_phone": value("referrer_phone"),
        "safeguarding_concern": bool(flags["safeguarding_concern"]),
        "risks": value("risks"),
        "other_services": value("other_services"),
        "channel": Channel.CSV,
    }
    if value("urgency"):
        fields["urgency"] = value("urgency").lower()
    person = {
        "given_name": value("given_name"),
        "family_name": value("family_name"),
        "date_of_birth": date_of_birth,
        "nhs_number": value("nhs_number"),
        "postcode": value("postcode"),
        "email": value("email"),
        "phone": value("phone"),
    }
    try:
        checked = referral_check(person=person, programme=programme, **fields)
    except ValidationError as error:
        for key, messages in error.error_dict.items():
            column = _column(key)
            if column not in errors:  # a problem found reading the row says it better
                errors[column] = messages
    if errors:
        raise ValidationError(errors)
    return checked


def _column(key):
    key = key.removeprefix("person.")
    return _COLUMN_OF.get(key, key)


def _date(text):
    found = _ISO.fullmatch(text)
    parts = (found.group(1), found.group(2), found.group(3)) if found else None
    if parts is None and (found := _DMY.fullmatch(text)):
        parts = (found.group(3), found.group(2), found.group(1))
    if parts is None:
        return None
    try:
        return date(*(int(part) for part in parts))
    except ValueError:
        return None


def _codes(text):
    return [code.strip().lower() for code in text.split(";") if code.strip()]


def _problems(line, error):
    """One problem per message, with no personal value repeated in it."""
    problems = []
    for column, messages in error.error_dict.items():
        for message in messages:
            problems.append(RowProblem(line, column, _without_values(column, message)))
    return problems


def _without_values(column, error):
    if isinstance(error, str):
        return error
    params = error.params or {}
    if column not in _CODE_COLUMNS:
        params = {k: ("The value given" if isinstance(v, str) else v) for k, v in params.items()}
    return str(error.message % params if params else error.message)


def write_report(out, problems):
    """The bad rows as CSV: line, field and reason only, never a value from the file."""
    writer = csv.writer(out)
    writer.writerow(["line", "field", "reason"])
    for problem in problems:
        row = problem if isinstance(problem, dict) else problem.as_dict()
        writer.writerow([row["line"], row["field"], row["message"]])
