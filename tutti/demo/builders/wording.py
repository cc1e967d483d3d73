"""The words in referrals and their status changes, as a referrer or coordinator writes them."""

from tutti.core.vocab import Circumstance as C
from tutti.core.vocab import Need
from tutti.referrals.models import Status

from .base import Demo

STORIES = {
    C.AUTISM: [
        "Autistic and finds it hard to join in with others; responds strongly to music and rhythm.",
        "Autistic and mostly non-speaking. The family say music is the one thing that calms "
        "and engages.",
    ],
    C.LEARNING_DIFFICULTY: [
        "Has a learning disability and few chances to express themselves. Loves singing.",
        "Learning disability; becomes frustrated when not understood and enjoys drumming.",
    ],
    C.DEVELOPMENTAL_DELAY: [
        "Global developmental delay. Speech and language therapy noticed good responses to songs.",
        "Late to talk and struggles to share attention; lights up with music at nursery.",
    ],
    C.MENTAL_HEALTH: [
        "Low mood and anxiety for the past year; talking therapy has not helped much. Used "
        "to play guitar.",
        "Anxious and has stopped going out; would like to try something creative.",
    ],
    C.NEUROLOGICAL_INJURY: [
        "Recovering after a stroke; speech is affected (aphasia) and mood is low.",
        "Brain injury after a road accident; working on speech, movement and frustration.",
    ],
    C.DEMENTIA: [
        "Living with dementia; becomes distressed in the afternoons but settles with "
        "familiar songs.",
        "Alzheimer's disease; withdrawn and rarely speaks, but sings along to old songs.",
    ],
    C.PALLIATIVE_CARE: [
        "Advanced cancer; would like to record songs for the grandchildren.",
        "Motor neurone disease; anxious and finding it hard to talk about what is happening.",
    ],
    C.TRAUMA_BEREAVEMENT: [
        "Bereaved suddenly this year and finding it very hard to cope.",
        "Went through trauma before arriving in the UK; finds talking about it too hard.",
    ],
    C.ATTACHMENT: [
        "Difficulties with trust and closeness after a disrupted early life.",
        "Recently adopted; the family want support to build their relationship.",
    ],
    C.SOCIAL_ISOLATION: [
        "Lives alone and rarely sees anyone; used to sing in a choir.",
        "Feels very isolated since moving to the area and would like to meet people.",
    ],
    C.OTHER: ["Long-term health condition and low confidence; wants to meet people through music."],
}
OTHER_SERVICES = {
    C.AUTISM: "Speech and language therapy",
    C.LEARNING_DIFFICULTY: "Community learning disability team",
    C.DEVELOPMENTAL_DELAY: "Health visitor; speech and language therapy",
    C.MENTAL_HEALTH: "GP; community mental health team",
    C.NEUROLOGICAL_INJURY: "Physiotherapy and speech and language therapy on the ward",
    C.DEMENTIA: "Memory clinic",
    C.PALLIATIVE_CARE: "Hospice community nursing team",
    C.ATTACHMENT: "Post-adoption support team",
}
RISKS = [
    "Can become distressed in busy rooms; needs a quiet space and a known adult nearby.",
    "History of self-harm; a safety plan is in place with the GP.",
    "Epilepsy: seizure plan attached by the referrer.",
    "Falls risk; needs support on stairs.",
    "Lives with a family member who has been violent in the past; do not phone the landline.",
]
INFO_REQUESTS = [
    "Asked the referrer for a current risk assessment.",
    "Asked the family to confirm the person agrees to the referral.",
    "Asked the GP for the diagnosis and current medication.",
    "Asked the referrer which days and times the person can come.",
]
DECLINE_REASONS = {
    "area": "Lives outside the area this programme serves and has no GP there.",
    "age": "Outside the age range for this programme.",
    "other": [
        "The person did not agree to the referral when we called.",
        "Needs are already being met by another music therapy service.",
        "A duplicate of a referral already on the waiting list.",
    ],
}
SIGNPOSTS = {
    C.MENTAL_HEALTH: (
        "Needs a talking therapy first; agreed with the person.",
        "NHS Talking Therapies",
    ),
    C.SOCIAL_ISOLATION: (
        "Wants to meet people more than to have therapy.",
        "A local community choir",
    ),
    C.DEMENTIA: ("The family wanted a drop-in group near home.", "A local memory café"),
    C.TRAUMA_BEREAVEMENT: ("Needs specialist trauma support first.", "A specialist trauma service"),
    C.PALLIATIVE_CARE: (
        "Lives nearer another hospice with a music therapist.",
        "Another local hospice",
    ),
    C.NEUROLOGICAL_INJURY: (
        "Discharged home before a place was free.",
        "The community neuro-rehabilitation team",
    ),
}
SIGNPOST_DEFAULT = (
    "The family were looking for a weekend activity rather than therapy.",
    "The council's short breaks service",
)
WITHDRAWALS = {
    Status.RECEIVED: ["Could not be contacted after three tries.", "Moved out of the area."],
    Status.WAITING: [
        "Moved out of the area.",
        "No longer wants music therapy.",
        "Started another therapy elsewhere.",
        "Could not be contacted after three tries.",
    ],
    Status.OFFERED: [
        "Turned down the offer: the session time clashes with work.",
        "Could not be contacted about the offer.",
    ],
    Status.ACTIVE: [
        "Stopped coming after four sessions; family circumstances changed.",
        "Health got worse; the family asked to stop for now.",
        "Moved out of the area.",
    ],
}


def reason_text(demo: Demo, needs, circumstances, extra=""):
    story = demo.rng.choice(STORIES[C(circumstances[0])])
    wants = " and ".join(Need(code).label.lower() for code in needs[:2])
    return " ".join(part for part in [story, f"Would like help with {wants}.", extra] if part)
