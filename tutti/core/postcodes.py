"""UK postcodes: normalise to the `SW1A 1AA` form and validate by the BS 7666 rules.

BS 7666 (as published in the Government Data Standards Catalogue) fixes which letters may
stand in each position; NHS pseudo-postcodes (ZZ99 …) are accepted and marked as such.
"""

import re

from django.core.exceptions import ValidationError

# Outward code: A9, A99, AA9, AA99, A9A, AA9A.  Inward code: 9AA.
_FIRST = "ABCDEFGHIJKLMNOPRSTUWYZ"  # not Q, V, X
_SECOND = "ABCDEFGHKLMNOPQRSTUVWXY"  # not I, J, Z
_THIRD = "ABCDEFGHJKPSTUW"  # the letter in A9A
_FOURTH = "ABEHMNPRVWXY"  # the letter in AA9A
_INWARD = "ABDEFGHJLNPQRSTUWXYZ"  # not C, I, K, M, O, V

_PATTERN = re.compile(
    rf"^(?:[{_FIRST}][0-9]{{1,2}}"
    rf"|[{_FIRST}][{_SECOND}][0-9]{{1,2}}"
    rf"|[{_FIRST}][0-9][{_THIRD}]"
    rf"|[{_FIRST}][{_SECOND}][0-9][{_FOURTH}])"
    rf" [0-9][{_INWARD}]{{2}}$"
)
_PSEUDO = re.compile(r"^ZZ99 [0-9][A-Z]Z$")

# NHS pseudo-postcodes that have a meaning of their own.
NO_FIXED_ABODE = "ZZ99 3VZ"
PSEUDO_MEANINGS = {
    "ZZ99 3VZ": "No fixed abode",
    "ZZ99 3WZ": "Address not known",
    "ZZ99 3CZ": "England, address unspecified",
    "ZZ99 3GZ": "Wales, address unspecified",
    "ZZ99 1WZ": "Scotland, address unspecified",
    "ZZ99 2WZ": "Northern Ireland, address unspecified",
}


def compact(text):
    return re.sub(r"\s+", "", str(text or "")).upper()


def normalise_postcode(text):
    """Return the postcode in `SW1A 1AA` form, or raise ValidationError saying why."""
    raw = compact(text)
    if not raw:
        raise ValidationError("Enter a postcode, like SW1A 1AA.", code="required")
    if len(raw) < 5 or len(raw) > 7:
        raise ValidationError("Enter a full UK postcode, like SW1A 1AA.", code="invalid_length")
    formatted = f"{raw[:-3]} {raw[-3:]}"
    if formatted == "GIR 0AA" or _PSEUDO.match(formatted) or _PATTERN.match(formatted):
        return formatted
    raise ValidationError(
        "%(postcode)s is not a valid UK postcode. Check it and enter it again, like SW1A 1AA.",
        code="invalid",
        params={"postcode": formatted},
    )


def is_pseudo_postcode(postcode):
    return bool(_PSEUDO.match(postcode or ""))


def validate_postcode(value):
    normalise_postcode(value)
