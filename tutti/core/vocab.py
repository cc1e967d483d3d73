"""Shared codes: needs, circumstances and referral routes.

The same codes are used by referral forms, the JSON and FHIR APIs, programme eligibility and
the service directory's taxonomy, so they live here once.
"""

from functools import cache

from django.db import models


class Need(models.TextChoices):
    COMMUNICATION = "communication", "Communication"
    INTERACTION = "interaction", "Interaction"
    SELF_EXPRESSION = "self_expression", "Self-expression"
    CONFIDENCE = "confidence", "Confidence and self-esteem"
    SOCIAL_SKILLS = "social_skills", "Social skills"
    SENSORY_MOTOR = "sensory_motor", "Sensory integration and motor control"
    SELF_REGULATION = "self_regulation", "Self-regulation"
    EMOTIONAL_WELLBEING = "emotional_wellbeing", "Emotional wellbeing"
    INDEPENDENCE = "independence", "Independence and motivation"


class Circumstance(models.TextChoices):
    AUTISM = "autism", "Autism"
    LEARNING_DIFFICULTY = "learning_difficulty", "Learning difficulty or disability"
    DEVELOPMENTAL_DELAY = "developmental_delay", "Developmental delay"
    MENTAL_HEALTH = "mental_health", "Mental health"
    NEUROLOGICAL_INJURY = "neurological_injury", "Brain or neurological injury"
    DEMENTIA = "dementia", "Dementia"
    PALLIATIVE_CARE = "palliative_care", "Palliative or end of life care"
    TRAUMA_BEREAVEMENT = "trauma_bereavement", "Trauma or bereavement"
    ATTACHMENT = "attachment", "Attachment difficulties"
    SOCIAL_ISOLATION = "social_isolation", "Social isolation"
    OTHER = "other", "Something else"


class Route(models.TextChoices):
    SELF = "self", "Self-referral"
    FAMILY = "family", "Family member or carer"
    GP = "gp", "GP"
    LINK_WORKER = "link_worker", "Social prescribing link worker"
    SCHOOL = "school", "School"
    COUNCIL = "council", "Council"
    HEALTH = "health", "Health provider"
    VOLUNTARY = "voluntary", "Voluntary sector organisation"
    OTHER_PROFESSIONAL = "other_professional", "Other professional"
    INTERNAL = "internal", "Internal (within the service)"


@cache
def _values(choices):
    """The codes of a choices class, read once (`.values` builds a new list on every read)."""
    return tuple(choices.values)


def validate_codes(values, choices, what):
    """Raise ValidationError naming any code not in `choices`."""
    from django.core.exceptions import ValidationError

    if not isinstance(values, list):
        raise ValidationError(f"{what} must be a list of codes.")
    allowed = _values(choices)
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise ValidationError(
            "Unknown %(what)s: %(codes)s. Use one of: %(allowed)s.",
            params={
                "what": what,
                "codes": ", ".join(map(str, unknown)),
                "allowed": ", ".join(choices.values),
            },
        )
