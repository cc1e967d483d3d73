"""The Open Referral UK profile's published JSON schemas (copies in data/oruk/, see its
README), registered under the addresses the profile's OpenAPI gives them."""

import json
import re
from datetime import date
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMA_DIR = Path(__file__).parent / "data" / "oruk" / "schema"
BASE = "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/"
PAGE_FIELDS = {
    "total_items": int,
    "total_pages": int,
    "page_number": int,
    "size": int,
    "first_page": bool,
    "last_page": bool,
    "empty": bool,
    "contents": list,
}
# The profile marks these as dates and times in its own key ("datapackage_type"), which a
# JSON Schema validator does not read: they are checked here.
_DATE_FIELDS = ("valid_from", "valid_to", "dtstart", "assured_date")
_TIME_FIELDS = ("opens_at", "closes_at")
_TIME = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9](Z|[+-][01][0-9]:[0-5][0-9])$")


@cache
def _registry():
    resources = []
    for path in SCHEMA_DIR.rglob("*.json"):
        address = BASE + path.relative_to(SCHEMA_DIR).as_posix()
        contents = json.loads(path.read_text())
        resources.append((address, Resource.from_contents(contents, DRAFT202012)))
    return Registry().with_resources(resources)


@cache
def validator(schema_file, *, page=False):
    """A validator for one record (e.g. "compiled/service.json") or for a page of them."""
    schema = {"$ref": BASE + schema_file}
    if page:
        schema = {
            "allOf": [{"$ref": BASE + "openapi.json#/components/schemas/Page"}],
            "properties": {"contents": {"type": "array", "items": schema}},
            "required": list(PAGE_FIELDS),
        }
    return Draft202012Validator(
        schema, registry=_registry(), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def assert_valid(body, schema_file, *, page=False):
    errors = sorted(validator(schema_file, page=page).iter_errors(body), key=str)
    assert not errors, "\n".join(
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:10]
    )
    if page:
        for name, kind in PAGE_FIELDS.items():
            assert type(body[name]) is kind, f"{name} should be {kind.__name__}"
    _assert_dates_and_times(body)


def _assert_dates_and_times(value, path="$"):
    if isinstance(value, dict):
        for key, item in value.items():
            if key in _DATE_FIELDS:
                date.fromisoformat(item)  # YYYY-MM-DD, or this raises
            if key in _TIME_FIELDS:
                assert _TIME.match(item), f"{path}.{key}: {item} is not HH:MM with an offset"
            _assert_dates_and_times(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _assert_dates_and_times(item, f"{path}[{index}]")
