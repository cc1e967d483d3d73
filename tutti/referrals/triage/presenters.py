"""What the triage pages show, worked out from the referral, in words a coordinator uses."""

import re
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q
from django.utils import timezone

from tutti.core.vocab import Circumstance, Need
from tutti.geography.services import gp_practice, resolve_postcode
from tutti.people.models import GeographyStatus
from tutti.programmes.eligibility import check_eligibility
from tutti.programmes.models import Programme
from tutti.referrals.models import PersonMatch, Status, Urgency

# --- the queue ---------------------------------------------------------------------------


def eligibility_label(eligible):
    return {True: "Eligible", False: "Not eligible"}.get(eligible, "Not checked")


@dataclass(frozen=True)
class Flag:
    text: str
    first: bool = False  # to be dealt with before anything else


def referral_flags(referral) -> list[Flag]:
    """What a coordinator should look at before deciding, beyond the columns of the queue."""
    flags = []
    if referral.safeguarding_concern:
        flags.append(Flag("Safeguarding concern raised by the referrer: act now", first=True))
    if referral.needs_match_confirmed:
        flags.append(Flag("Possible duplicate: confirm who this is", first=True))
    if referral.needs_review_reason.strip():
        flags.append(Flag("Needs review before triage", first=True))
    if referral.risks.strip():
        flags.append(Flag("Risks or safeguarding concerns noted"))
    if not referral.consent_to_refer:
        flags.append(Flag("No consent to the referral recorded"))
    if referral.person.geography_status in (GeographyStatus.NOT_FOUND, GeographyStatus.PSEUDO):
        flags.append(Flag("Postcode not found: area not checked"))
    return flags


def queue_row(referral, *, today: date):
    return {
        "referral": referral,
        "days_waiting": (today - timezone.localdate(referral.received_at)).days,
        "eligibility": eligibility_label(referral.eligible),
        "flags": referral_flags(referral),
    }


def queue_counts(referrals) -> dict:
    return referrals.order_by().aggregate(
        total=Count("pk"),
        received=Count("pk", filter=Q(status=Status.RECEIVED)),
        info_requested=Count("pk", filter=Q(status=Status.INFO_REQUESTED)),
        duplicates=Count(
            "pk",
            filter=~Q(person_match=PersonMatch.NEW) & Q(person_match_confirmed_at__isnull=True),
        ),
        needs_review=Count("pk", filter=~Q(needs_review_reason="")),
        urgent=Count("pk", filter=Q(urgency=Urgency.URGENT)),
        safeguarding=Count("pk", filter=Q(safeguarding_concern=True)),
        not_eligible=Count("pk", filter=Q(eligible=False)),
    )


# --- the referral ------------------------------------------------------------------------


def labels(codes, choices) -> list[str]:
    names = dict(choices.choices)
    return [names.get(code, code) for code in codes]


def needs_labels(referral):
    return labels(referral.needs, Need)


def circumstances_labels(referral):
    return labels(referral.circumstances, Circumstance)


def yes_no(value):
    return {True: "Yes", False: "No"}.get(value, "Not known")


# --- eligibility for every programme -----------------------------------------------------


@dataclass(frozen=True)
class ProgrammeEligibility:
    programme: Programme
    eligible: bool
    reasons: list[str] = field(default_factory=list)
    asked_for: bool = False


def eligibility_for_every_programme(referral, *, on: date) -> list[ProgrammeEligibility]:
    """Every programme open to referrals (and the one asked for), checked now for this
    person: eligible ones first, the one asked for first among equals."""
    person = referral.person
    place = resolve_postcode(person.postcode)
    practice = gp_practice(referral.gp_practice_code)
    programmes = Programme.objects.filter(
        Q(open_to_referrals=True) | Q(pk=referral.programme_id or 0)
    )
    results = []
    for programme in programmes:
        result = check_eligibility(
            programme,
            on=on,
            date_of_birth=person.date_of_birth,
            geography=place,
            gp_practice=referral.gp_practice_code,
            gp_practice_name=practice.name if practice else None,
            needs=referral.needs,
            circumstances=referral.circumstances,
        )
        results.append(
            ProgrammeEligibility(
                programme=programme,
                eligible=result.eligible,
                reasons=result.reasons,
                asked_for=programme.pk == referral.programme_id,
            )
        )
    results.sort(key=lambda r: (not r.eligible, not r.asked_for, r.programme.name))
    return results


# --- a possible duplicate: the details sent beside the record ----------------------------

COMPARED_FIELDS = (
    ("given_name", "First name"),
    ("family_name", "Last name"),
    ("preferred_name", "Preferred name"),
    ("date_of_birth", "Date of birth"),
    ("nhs_number", "NHS number"),
    ("postcode", "Postcode"),
    ("address_line_1", "Address line 1"),
    ("address_line_2", "Address line 2"),
    ("town", "Town or city"),
    ("email", "Email"),
    ("phone", "Phone"),
)


def _shown(name, value):
    if value in (None, ""):
        return ""
    if name == "date_of_birth":
        if isinstance(value, str):
            try:
                value = date.fromisoformat(value)
            except ValueError:
                return value
        return value.strftime("%-d %B %Y")
    if name == "nhs_number":
        digits = re.sub(r"\D", "", str(value))
        return f"{digits[:3]} {digits[3:6]} {digits[6:]}" if len(digits) == 10 else str(value)
    return str(value)


def _same(name, a, b):
    """Whether two values say the same thing, ignoring case, spacing and punctuation."""
    if name in ("phone", "nhs_number"):
        a, b = re.sub(r"\D", "", a), re.sub(r"\D", "", b)
        if name == "phone":
            a, b = (re.sub(r"^44", "0", v) for v in (a, b))
    elif name == "postcode":
        a, b = "".join(a.split()), "".join(b.split())
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


@dataclass(frozen=True)
class ComparedDetail:
    label: str
    on_record: str
    sent: str
    differs: bool


def person_comparison(person, submitted: dict):
    """Rows of the record beside the details sent, and each difference in words."""
    rows, differences = [], []
    for name, label in COMPARED_FIELDS:
        on_record = _shown(name, getattr(person, name))
        sent = _shown(name, submitted.get(name))
        differs = bool(on_record and sent) and not _same(name, on_record, sent)
        if not on_record and not sent:
            continue
        rows.append(ComparedDetail(label, on_record, sent, differs))
        if differs:
            differences.append(f"{label} differs: {on_record} on record, {sent} sent")
        elif sent and not on_record:
            differences.append(f"{label} sent, none on record: {sent}")
    return rows, differences
