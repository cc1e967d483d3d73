"""The directory's two taxonomies: what a programme helps with (needs) and who it is for
(circumstances). Their codes are tutti.core.vocab's, the ones referrals and eligibility use."""

from dataclasses import dataclass

from django.db import models

from tutti.core.vocab import Circumstance, Need

from . import ids


@dataclass(frozen=True)
class Taxonomy:
    key: str  # "need" | "circumstance": the name hashed into ids, never to change
    name: str
    description: str
    choices: type[models.TextChoices]
    link_type: str  # what a programme's tag with one of its terms says about the programme
    programme_field: str  # the Programme field holding the codes

    @property
    def id(self):
        return ids.taxonomy_id(self.key)

    def term_id(self, code):
        return ids.term_id(self.key, code)

    def term_description(self, code):
        label = dict(self.choices.choices)[code].lower()
        if self.key == "need":
            return f"Music therapy that helps with {label}."
        if code == Circumstance.OTHER:
            return "For people in other circumstances the service works with."
        return f"For people affected by {label}."


TAXONOMIES = {
    "need": Taxonomy(
        key="need",
        name="Music therapy needs",
        description="What music therapy can help a person with.",
        choices=Need,
        link_type="need",
        programme_field="needs",
    ),
    "circumstance": Taxonomy(
        key="circumstance",
        name="Circumstances",
        description="The conditions and circumstances of the people a service is for.",
        choices=Circumstance,
        link_type="eligibility",
        programme_field="circumstances",
    ),
}


@dataclass(frozen=True)
class Term:
    taxonomy: Taxonomy
    code: str

    @property
    def id(self):
        return self.taxonomy.term_id(self.code)

    @property
    def label(self):
        return dict(self.taxonomy.choices.choices)[self.code]


def terms_of(taxonomy):
    return [Term(taxonomy, code) for code in taxonomy.choices]


def all_terms():
    return [term for taxonomy in TAXONOMIES.values() for term in terms_of(taxonomy)]


def taxonomy_by_id(value):
    return next((t for t in TAXONOMIES.values() if t.id == value), None)


def term_by_id(value):
    return next((term for term in all_terms() if term.id == value), None)


def programme_terms(programme):
    """The terms a programme is tagged with: its needs, then its circumstances."""
    return [
        Term(taxonomy, code)
        for taxonomy in TAXONOMIES.values()
        for code in getattr(programme, taxonomy.programme_field)
        if code in taxonomy.choices.values
    ]
