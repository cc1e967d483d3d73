"""The programmes (services in the directory) the demo charity runs.

Each programme also says who it usually reaches (ages, home areas, referral routes): the
people builder uses that to make referrals that look like the programme's real ones.
"""

from dataclasses import dataclass, field

from tutti.core.vocab import Circumstance as C
from tutti.core.vocab import Need as N
from tutti.core.vocab import Route as R
from tutti.programmes.models import Programme

from .base import Demo
from .places import CAMDEN, GLASGOW, HEREFORDSHIRE, ISLINGTON, camden_gp_codes

HARINGEY = "E09000014"
BARNET = "E09000003"
BRENT = "E09000005"
WESTMINSTER = "E09000033"

Mode = Programme.DeliveryMode
Setting = Programme.Setting


@dataclass
class ProgrammeSpec:
    code: str
    name: str
    description: str
    delivery_mode: str
    setting: str
    block_sessions: int
    session_minutes: int
    sites: list  # keys of demo.sites
    min_age: int | None = None
    max_age: int | None = None
    local_authorities: list = field(default_factory=list)
    postcode_districts: list = field(default_factory=list)
    needs: list = field(default_factory=list)
    circumstances: list = field(default_factory=list)
    priority_circumstances: list = field(default_factory=list)
    funder: str | None = None  # key of demo.organisations
    target_wait_weeks: int = 18
    # Who is usually referred: not stored, used to make believable referrals.
    share: int = 10  # relative share of all referrals
    ages: list = field(default_factory=list)  # [(youngest, oldest, weight)]
    homes: dict = field(default_factory=dict)  # local authority code -> weight
    routes: dict = field(default_factory=dict)  # Route -> weight
    lives_at_site: float = 0.0  # share of people whose home is the site (care home residents)


SPECS = [
    ProgrammeSpec(
        code="CENTRE-INDIVIDUAL",
        name="Individual music therapy at the Holloway centre",
        description=(
            "Weekly one-to-one sessions with a music therapist at our centre in Holloway, for "
            "children, young people and adults who find it hard to communicate, to connect "
            "with other people or to manage their feelings. You do not need to play an "
            "instrument or read music. A block is 12 sessions of 45 minutes, with a review "
            "at the end."
        ),
        delivery_mode=Mode.INDIVIDUAL,
        setting=Setting.CENTRE,
        block_sessions=12,
        session_minutes=45,
        sites=["centre"],
        local_authorities=[CAMDEN, ISLINGTON, HARINGEY, BARNET],
        needs=[
            N.COMMUNICATION,
            N.INTERACTION,
            N.SELF_EXPRESSION,
            N.EMOTIONAL_WELLBEING,
            N.SELF_REGULATION,
            N.CONFIDENCE,
        ],
        circumstances=[
            C.AUTISM,
            C.LEARNING_DIFFICULTY,
            C.DEVELOPMENTAL_DELAY,
            C.MENTAL_HEALTH,
            C.TRAUMA_BEREAVEMENT,
            C.ATTACHMENT,
        ],
        priority_circumstances=[C.TRAUMA_BEREAVEMENT, C.ATTACHMENT],
        share=22,
        ages=[(2, 11, 40), (12, 17, 25), (18, 64, 30), (65, 85, 5)],
        homes={CAMDEN: 40, ISLINGTON: 40, HARINGEY: 12, BARNET: 8},
        routes={
            R.FAMILY: 25,
            R.GP: 15,
            R.SCHOOL: 12,
            R.HEALTH: 12,
            R.SELF: 10,
            R.COUNCIL: 8,
            R.VOLUNTARY: 8,
            R.LINK_WORKER: 5,
            R.OTHER_PROFESSIONAL: 5,
        },
    ),
    ProgrammeSpec(
        code="EARLY-YEARS",
        name="Music Together: early years group",
        description=(
            "A music group for children under 5 and their parents or carers, for children "
            "with developmental delay, autism or early communication difficulties. Ten weekly "
            "sessions of 45 minutes at our Holloway centre: songs, instruments and play that "
            "help your child take turns, listen and share attention with you."
        ),
        delivery_mode=Mode.GROUP,
        setting=Setting.CENTRE,
        block_sessions=10,
        session_minutes=45,
        sites=["centre"],
        min_age=0,
        max_age=4,
        local_authorities=[CAMDEN, ISLINGTON],
        needs=[N.COMMUNICATION, N.INTERACTION, N.SENSORY_MOTOR, N.SELF_REGULATION],
        circumstances=[C.DEVELOPMENTAL_DELAY, C.AUTISM, C.ATTACHMENT],
        funder="funder",
        share=8,
        ages=[(1, 4, 1)],
        homes={CAMDEN: 50, ISLINGTON: 50},
        routes={R.FAMILY: 40, R.HEALTH: 30, R.GP: 15, R.COUNCIL: 15},
    ),
    ProgrammeSpec(
        code="AUTISM-TEENS",
        name="Group music therapy for autistic young people",
        description=(
            "A small group for autistic young people aged 11 to 17, with two music "
            "therapists. Twelve weekly sessions of an hour, after school, at our Holloway "
            "centre. Young people make music together, try instruments and music technology, "
            "and practise joining in with others at their own pace."
        ),
        delivery_mode=Mode.GROUP,
        setting=Setting.CENTRE,
        block_sessions=12,
        session_minutes=60,
        sites=["centre"],
        min_age=11,
        max_age=17,
        local_authorities=[CAMDEN, ISLINGTON, HARINGEY],
        needs=[N.SOCIAL_SKILLS, N.INTERACTION, N.SELF_EXPRESSION, N.CONFIDENCE, N.SELF_REGULATION],
        circumstances=[C.AUTISM, C.LEARNING_DIFFICULTY],
        share=8,
        ages=[(11, 17, 1)],
        homes={CAMDEN: 40, ISLINGTON: 40, HARINGEY: 20},
        routes={R.FAMILY: 30, R.SCHOOL: 35, R.HEALTH: 20, R.COUNCIL: 15},
    ),
    ProgrammeSpec(
        code="CAMDEN-16-24",
        name="Camden Young Voices: songwriting, recording and performance",
        description=(
            "A group for young people aged 16 to 24 who live in Camden or have a Camden GP. "
            "Over 12 weekly sessions of 90 minutes you write songs with other young people "
            "and two music therapists, record them in the studio at Agar Grove Community "
            "Centre and, if you want to, perform them at a showcase at the end. You do not "
            "need any musical experience. It is for young people who feel low, anxious or "
            "alone, or who are going through a hard time."
        ),
        delivery_mode=Mode.GROUP,
        setting=Setting.COMMUNITY,
        block_sessions=12,
        session_minutes=90,
        sites=["community"],
        min_age=16,
        max_age=24,
        local_authorities=[CAMDEN],
        needs=[N.SELF_EXPRESSION, N.CONFIDENCE, N.SOCIAL_SKILLS, N.EMOTIONAL_WELLBEING],
        circumstances=[C.MENTAL_HEALTH, C.SOCIAL_ISOLATION, C.TRAUMA_BEREAVEMENT],
        priority_circumstances=[C.SOCIAL_ISOLATION],
        funder="funder",
        target_wait_weeks=8,
        share=11,
        ages=[(16, 24, 1)],
        homes={CAMDEN: 85, ISLINGTON: 10, BRENT: 5},
        routes={
            R.SELF: 30,
            R.LINK_WORKER: 20,
            R.GP: 15,
            R.VOLUNTARY: 15,
            R.COUNCIL: 10,
            R.FAMILY: 10,
        },
    ),
    ProgrammeSpec(
        code="HEREFORD-SCHOOLS",
        name="Music therapy in Herefordshire primary schools",
        description=(
            "One-to-one music therapy in school time for primary school children in "
            "Herefordshire, starting at Wyebridge Primary School. Twelve weekly sessions of "
            "30 minutes in the school's music room. The school's special educational needs "
            "co-ordinator refers, with the family's agreement, and the therapist meets the "
            "family and the class teacher before and after the block."
        ),
        delivery_mode=Mode.INDIVIDUAL,
        setting=Setting.SCHOOL,
        block_sessions=12,
        session_minutes=30,
        sites=["school"],
        min_age=4,
        max_age=11,
        local_authorities=[HEREFORDSHIRE],
        postcode_districts=[f"HR{n}" for n in range(1, 10)],
        needs=[N.COMMUNICATION, N.INTERACTION, N.SELF_REGULATION, N.EMOTIONAL_WELLBEING],
        circumstances=[
            C.AUTISM,
            C.LEARNING_DIFFICULTY,
            C.DEVELOPMENTAL_DELAY,
            C.TRAUMA_BEREAVEMENT,
            C.ATTACHMENT,
        ],
        funder="funder_marches",
        share=11,
        ages=[(4, 11, 1)],
        homes={HEREFORDSHIRE: 1},
        routes={R.SCHOOL: 80, R.FAMILY: 10, R.COUNCIL: 10},
    ),
    ProgrammeSpec(
        code="DEMENTIA-CARE-HOMES",
        name="Music for people living with dementia in care homes",
        description=(
            "Weekly music therapy groups in care homes for residents living with dementia, "
            "with one-to-one time for those who cannot join a group. Twelve sessions of an "
            "hour. Familiar songs and live music help people connect, remember and express "
            "themselves; staff join in and learn ways to use music every day."
        ),
        delivery_mode=Mode.GROUP,
        setting=Setting.CARE_HOME,
        block_sessions=12,
        session_minutes=60,
        sites=["care_home"],
        min_age=50,
        needs=[N.INTERACTION, N.COMMUNICATION, N.EMOTIONAL_WELLBEING, N.SELF_EXPRESSION],
        circumstances=[C.DEMENTIA, C.SOCIAL_ISOLATION],
        share=9,
        ages=[(68, 99, 1)],
        homes={HARINGEY: 50, BARNET: 30, CAMDEN: 20},
        routes={R.OTHER_PROFESSIONAL: 50, R.FAMILY: 30, R.GP: 20},
        lives_at_site=0.7,
    ),
    ProgrammeSpec(
        code="NEURO-REHAB",
        name="Music therapy in neurological rehabilitation",
        description=(
            "Individual music therapy on the Linden Ward neuro-rehabilitation unit for adults "
            "recovering from stroke, brain injury or other neurological conditions. Ten "
            "sessions of 45 minutes, at the bedside or in the therapy room, working with the "
            "ward team on speech, movement, mood and awareness."
        ),
        delivery_mode=Mode.INDIVIDUAL,
        setting=Setting.HOSPITAL,
        block_sessions=10,
        session_minutes=45,
        sites=["hospital"],
        min_age=16,
        needs=[N.COMMUNICATION, N.SENSORY_MOTOR, N.EMOTIONAL_WELLBEING, N.INDEPENDENCE],
        circumstances=[C.NEUROLOGICAL_INJURY],
        target_wait_weeks=4,
        share=8,
        ages=[(18, 85, 1)],
        homes={CAMDEN: 20, ISLINGTON: 25, HARINGEY: 20, BARNET: 20, BRENT: 10, WESTMINSTER: 5},
        routes={R.HEALTH: 70, R.INTERNAL: 15, R.FAMILY: 15},
    ),
    ProgrammeSpec(
        code="HOSPICE",
        name="Music therapy in palliative and end of life care",
        description=(
            "Music therapy for adults at St Columba's Hospice, on the in-patient unit, in the "
            "day hospice or at home, and for their families. Up to six sessions of 45 minutes: "
            "to ease pain and anxiety, to share music that matters, or to record songs and "
            "messages for the people they love."
        ),
        delivery_mode=Mode.INDIVIDUAL,
        setting=Setting.HOSPICE,
        block_sessions=6,
        session_minutes=45,
        sites=["hospice"],
        min_age=18,
        needs=[N.EMOTIONAL_WELLBEING, N.SELF_EXPRESSION, N.COMMUNICATION],
        circumstances=[C.PALLIATIVE_CARE, C.TRAUMA_BEREAVEMENT],
        priority_circumstances=[C.PALLIATIVE_CARE],
        target_wait_weeks=2,
        share=5,
        ages=[(35, 95, 1)],
        homes={CAMDEN: 60, BARNET: 20, BRENT: 20},
        routes={R.HEALTH: 75, R.FAMILY: 25},
    ),
    ProgrammeSpec(
        code="COMMUNITY-CHOIR",
        name="Singing Together: Camden community choir",
        description=(
            "A weekly choir at Agar Grove Community Centre led by a music therapist, for adults "
            "who feel lonely, are living with a mental health condition or are recovering from "
            "illness. Thirty sessions of 90 minutes through the year, with two concerts. No "
            "audition and no need to read music."
        ),
        delivery_mode=Mode.COMMUNITY,
        setting=Setting.COMMUNITY,
        block_sessions=30,
        session_minutes=90,
        sites=["community"],
        min_age=18,
        local_authorities=[CAMDEN, ISLINGTON],
        needs=[N.SOCIAL_SKILLS, N.CONFIDENCE, N.EMOTIONAL_WELLBEING],
        circumstances=[C.SOCIAL_ISOLATION, C.MENTAL_HEALTH, C.OTHER],
        funder="funder",
        share=9,
        ages=[(18, 90, 1)],
        homes={CAMDEN: 70, ISLINGTON: 30},
        routes={R.SELF: 45, R.LINK_WORKER: 30, R.GP: 15, R.VOLUNTARY: 10},
    ),
    ProgrammeSpec(
        code="ONLINE-ADULTS",
        name="Online music therapy for adults",
        description=(
            "One-to-one music therapy by video call for adults in England who cannot travel "
            "to a centre, for example because of illness, disability or caring "
            "responsibilities. Twelve weekly sessions of 45 minutes. We can lend a tablet "
            "and simple instruments."
        ),
        delivery_mode=Mode.INDIVIDUAL,
        setting=Setting.REMOTE,
        block_sessions=12,
        session_minutes=45,
        sites=[],
        min_age=18,
        needs=[N.EMOTIONAL_WELLBEING, N.SELF_EXPRESSION, N.CONFIDENCE],
        circumstances=[
            C.MENTAL_HEALTH,
            C.TRAUMA_BEREAVEMENT,
            C.NEUROLOGICAL_INJURY,
            C.SOCIAL_ISOLATION,
        ],
        share=5,
        ages=[(18, 80, 1)],
        homes={CAMDEN: 20, ISLINGTON: 20, HARINGEY: 15, BARNET: 15, HEREFORDSHIRE: 30},
        routes={R.SELF: 40, R.GP: 30, R.LINK_WORKER: 15, R.HEALTH: 15},
    ),
    ProgrammeSpec(
        code="GLASGOW-COMMUNITY",
        name="Southside community music (Glasgow)",
        description=(
            "Music therapy groups and community music at the Southside Music Hub in "
            "Govanhill, for people aged 14 and over with a learning disability, a mental "
            "health condition or who are isolated. Twelve weekly sessions of an hour, "
            "ending with a performance for friends and family."
        ),
        delivery_mode=Mode.COMMUNITY,
        setting=Setting.COMMUNITY,
        block_sessions=12,
        session_minutes=60,
        sites=["glasgow"],
        min_age=14,
        local_authorities=[GLASGOW],
        needs=[N.SOCIAL_SKILLS, N.CONFIDENCE, N.SELF_EXPRESSION, N.INDEPENDENCE],
        circumstances=[C.LEARNING_DIFFICULTY, C.MENTAL_HEALTH, C.SOCIAL_ISOLATION],
        share=6,
        ages=[(14, 25, 40), (26, 80, 60)],
        homes={GLASGOW: 1},
        routes={R.SELF: 30, R.VOLUNTARY: 30, R.FAMILY: 20, R.HEALTH: 20},
    ),
]
SPECS_BY_CODE = {spec.code: spec for spec in SPECS}


def programme_create(demo: Demo, spec: ProgrammeSpec):
    programme = Programme(
        code=spec.code,
        name=spec.name,
        description=spec.description,
        delivery_mode=spec.delivery_mode,
        setting=spec.setting,
        block_sessions=spec.block_sessions,
        session_minutes=spec.session_minutes,
        min_age=spec.min_age,
        max_age=spec.max_age,
        local_authorities=list(spec.local_authorities),
        postcode_districts=list(spec.postcode_districts),
        gp_practices=camden_gp_codes(demo) if spec.code == "CAMDEN-16-24" else [],
        needs=[str(code) for code in spec.needs],
        circumstances=[str(code) for code in spec.circumstances],
        priority_circumstances=[str(code) for code in spec.priority_circumstances],
        funder=demo.organisations[spec.funder] if spec.funder else None,
        target_wait_weeks=spec.target_wait_weeks,
    )
    programme.full_clean()
    programme.save()
    programme.sites.set([demo.sites[key] for key in spec.sites])
    demo.programmes[spec.code] = programme
    return programme


def build_programmes(demo: Demo):
    for spec in SPECS:
        programme_create(demo, spec)
