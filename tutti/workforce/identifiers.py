"""A check that free text written about staff (supervision topics, placement notes) holds
nothing that identifies a client: no NHS-number-like 10-digit sequence and no UK postcode.

It cannot catch names. The forms say so and ask people to write about themes, not clients.
"""

import re

from django.core.exceptions import ValidationError

from tutti.core.postcodes import normalise_postcode

# 10 digits on their own, written together or as 3 3 4 with spaces or hyphens.
_NHS_NUMBER_LIKE = re.compile(r"(?<![\d-])\d{3}[ -]?\d{3}[ -]?\d{4}(?![\d-])")
# Candidates only: each is confirmed by the BS 7666 postcode rules.
_POSTCODE_LIKE = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})\b", re.IGNORECASE)

NHS_NUMBER_MESSAGE = (
    "Remove the 10-digit number: it could be an NHS number. This record must not identify clients."
)
POSTCODE_MESSAGE = (
    "Remove the postcode ({postcode}). This record must not identify clients or where they live."
)


def _postcodes(text):
    found = []
    for match in _POSTCODE_LIKE.finditer(text):
        try:
            found.append(normalise_postcode(f"{match.group(1)} {match.group(2)}"))
        except ValidationError:
            continue
    return found


def client_identifier_problems(text) -> list[str]:
    """Plain-word messages, one per kind of identifier found in `text` (empty if none)."""
    text = str(text or "")
    problems = []
    if _NHS_NUMBER_LIKE.search(text):
        problems.append(NHS_NUMBER_MESSAGE)
    postcodes = _postcodes(text)
    if postcodes:
        problems.append(POSTCODE_MESSAGE.format(postcode=postcodes[0]))
    return problems


def validate_no_client_identifiers(value):
    problems = client_identifier_problems(value)
    if problems:
        raise ValidationError(" ".join(problems), code="client_identifier")
