"""Demo log-ins (one per role, one shared password) and the team of 20 music therapists."""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password

from tutti.accounts.roles import Role
from tutti.core.vocab import Circumstance as C
from tutti.workforce.models import Therapist

from .base import EMAIL_DOMAIN, Demo

# Printed by `manage.py demo_logins`. Never used outside the demo (the app is not installed
# in production, and seed_demo refuses to run there).
DEMO_PASSWORD = "tutti-demo-2026"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: Role
    full_name: str
    job_title: str
    organisation: str | None = None  # key of demo.organisations

    @property
    def email(self):
        return f"{self.username}@{EMAIL_DOMAIN}"


DEMO_LOGINS = [
    DemoLogin("admin", Role.ADMINISTRATOR, "Alex Morgan", "Systems administrator"),
    DemoLogin("coordinator", Role.COORDINATOR, "Priya Shah", "Intake coordinator"),
    DemoLogin("therapist", Role.THERAPIST, "Sam Okafor", "Music therapist"),
    DemoLogin("supervisor", Role.SUPERVISOR, "Ruth Ellison", "Clinical lead"),
    DemoLogin(
        "partner",
        Role.PARTNER,
        "Gwen Davies",
        "Special educational needs co-ordinator",
        organisation="school",
    ),
    DemoLogin("referrer", Role.REFERRER, "Dr Hannah Price", "GP", organisation="gp:F83091"),
    DemoLogin(
        "commissioner",
        Role.COMMISSIONER,
        "Marcus Bell",
        "Grants manager",
        organisation="funder",
    ),
]


def user_new(
    *, username, full_name, email, roles, job_title="", organisation=None, password_hash=None
):
    """An unsaved user; `user_save` stores it and gives it its roles."""
    User = get_user_model()
    first, _, last = full_name.removeprefix("Dr ").partition(" ")
    user = User(
        username=username,
        email=email,
        full_name=full_name,
        first_name=first,
        last_name=last,
        job_title=job_title,
        organisation=organisation,
    )
    if password_hash:
        user.password = password_hash
    else:
        user.set_unusable_password()  # a colleague in the story, not a demo log-in
    if Role.ADMINISTRATOR in roles:
        user.is_staff = user.is_superuser = True  # so the Django admin (back office) works
    user.full_clean()
    user.roles_to_give = roles
    return user


def user_save(user):
    user.save()
    user.groups.set([Group.objects.get_or_create(name=role)[0] for role in user.roles_to_give])
    return user


def user_create(**fields):
    return user_save(user_new(**fields))


def demo_password_hash(demo: Demo):
    """The demo password hashed once: Argon2 is slow on purpose, and every demo log-in
    shares the one password anyway."""
    if not demo.password_hash:
        demo.password_hash = make_password(DEMO_PASSWORD)
    return demo.password_hash


def demo_login_new(demo: Demo, login: DemoLogin):
    roles = [login.role]
    if login.role == Role.SUPERVISOR:
        roles.append(Role.THERAPIST)  # a clinical lead who also has a caseload
    organisation = demo.organisations[login.organisation] if login.organisation else None
    user = user_new(
        username=login.username,
        full_name=login.full_name,
        email=login.email,
        roles=roles,
        job_title=login.job_title,
        organisation=organisation,
        password_hash=demo_password_hash(demo),
    )
    validate_password(DEMO_PASSWORD, user)  # the same rules as any user's password
    return user


def coordinator_new(demo: Demo):
    """The intake coordinator, unsaved: the demo's changes are recorded as theirs."""
    login = next(login for login in DEMO_LOGINS if login.role == Role.COORDINATOR)
    demo.logins[login.username] = demo_login_new(demo, login)
    return demo.logins[login.username]


def build_demo_logins(demo: Demo):
    """One log-in per role (the coordinator's may already be made). The therapist and
    supervisor become therapists in build_team."""
    for login in DEMO_LOGINS:
        user = demo.logins.get(login.username) or demo_login_new(demo, login)
        demo.logins[login.username] = user if user.pk else user_save(user)


@dataclass(frozen=True)
class TeamMember:
    key: str  # how builders refer to them: a demo username, "trainee", or "t07"
    sites: tuple
    specialisms: tuple
    weekly_capacity: int
    trainee_of: str | None = None  # key of the supervising therapist


TEAM = [
    TeamMember(
        "therapist", ("centre", "community"), (C.AUTISM, C.MENTAL_HEALTH, C.TRAUMA_BEREAVEMENT), 14
    ),
    TeamMember(
        "supervisor",
        ("centre", "hospital"),
        (C.NEUROLOGICAL_INJURY, C.AUTISM, C.LEARNING_DIFFICULTY),
        8,
    ),
    TeamMember(
        "trainee", ("centre",), (C.AUTISM, C.DEVELOPMENTAL_DELAY), 4, trainee_of="supervisor"
    ),
    TeamMember("t03", ("school",), (C.AUTISM, C.DEVELOPMENTAL_DELAY, C.ATTACHMENT), 12),
    TeamMember("trainee_school", ("school",), (C.LEARNING_DIFFICULTY,), 4, trainee_of="t03"),
    TeamMember("t05", ("centre",), (C.DEVELOPMENTAL_DELAY, C.ATTACHMENT), 16),
    TeamMember("t06", ("centre",), (C.AUTISM, C.LEARNING_DIFFICULTY), 18),
    TeamMember("t07", ("centre", "community"), (C.MENTAL_HEALTH, C.SOCIAL_ISOLATION), 12),
    TeamMember("t08", ("community",), (C.MENTAL_HEALTH, C.TRAUMA_BEREAVEMENT), 10),
    TeamMember("t09", ("school",), (C.AUTISM, C.LEARNING_DIFFICULTY), 14),
    TeamMember("t10", ("care_home",), (C.DEMENTIA,), 16),
    TeamMember("t11", ("care_home", "hospice"), (C.DEMENTIA, C.PALLIATIVE_CARE), 12),
    TeamMember("t12", ("hospital",), (C.NEUROLOGICAL_INJURY,), 18),
    TeamMember("t13", ("hospital",), (C.NEUROLOGICAL_INJURY, C.MENTAL_HEALTH), 10),
    TeamMember("t14", ("hospice",), (C.PALLIATIVE_CARE, C.TRAUMA_BEREAVEMENT), 10),
    TeamMember("t15", ("glasgow",), (C.LEARNING_DIFFICULTY, C.SOCIAL_ISOLATION), 16),
    TeamMember("t16", ("glasgow",), (C.MENTAL_HEALTH,), 8),
    TeamMember("t17", ("centre",), (C.TRAUMA_BEREAVEMENT, C.MENTAL_HEALTH), 14),
    TeamMember("t18", ("centre", "school"), (C.AUTISM,), 12),
    TeamMember("t19", ("community", "care_home"), (C.SOCIAL_ISOLATION, C.DEMENTIA), 10),
]
# One qualified therapist's registration runs out within days: the registration checks show it.
_EXPIRING_SOON = "t12"

_OTHER_LANGUAGES = [
    "Spanish",
    "Portuguese",
    "Polish",
    "Bengali",
    "Turkish",
    "Italian",
    "French",
    "Greek",
    "Arabic",
    "British Sign Language",
    "Welsh",
]


def _colleague_user(demo: Demo, member: TeamMember, used_usernames):
    """A therapist who is a character in the demo but has no demo log-in."""
    fake = demo.fake
    while True:
        first = fake.first_name()
        last = fake.last_name()
        username = f"{first}.{last}".lower().replace("'", "").replace(" ", "-")
        if username not in used_usernames:
            break
    used_usernames.add(username)
    supervising = any(other.trainee_of == member.key for other in TEAM)
    roles = [Role.THERAPIST] + ([Role.SUPERVISOR] if supervising else [])
    job_title = "Trainee music therapist (placement)" if member.trainee_of else "Music therapist"
    return user_create(
        username=username,
        full_name=f"{first} {last}",
        email=f"{username}@{EMAIL_DOMAIN}",
        roles=roles,
        job_title=job_title,
    )


def therapist_create(demo: Demo, member: TeamMember, *, user, hcpc_digits):
    rng = demo.rng
    is_trainee = member.trainee_of is not None
    if is_trainee:
        expires = None
    elif member.key == _EXPIRING_SOON:
        expires = demo.today + timedelta(days=7)
    else:
        expires = demo.today + timedelta(days=rng.randrange(30, 730))
    languages = ["English"]
    if demo.chance(0.35):
        languages.append(rng.choice(_OTHER_LANGUAGES))
    therapist = Therapist(
        user=user,
        hcpc_number="" if is_trainee else f"MT{hcpc_digits:05d}",
        registration_expires=expires,
        dbs_checked_on=demo.today - timedelta(days=rng.randrange(20, 3 * 365)),
        specialisms=[str(code) for code in member.specialisms],
        languages=languages,
        weekly_capacity=member.weekly_capacity,
        is_trainee=is_trainee,
        supervisor=demo.therapist_by_key[member.trainee_of] if is_trainee else None,
    )
    therapist.full_clean()
    therapist.save()
    therapist.sites.set([demo.sites[key] for key in member.sites])
    demo.therapists.append(therapist)
    demo.therapist_by_key[member.key] = therapist
    return therapist


def build_team(demo: Demo):
    """Twenty therapists; supervisors are created before the trainees they supervise."""
    used_usernames = {login.username for login in DEMO_LOGINS}
    hcpc = iter(demo.rng.sample(range(10000, 100000), len(TEAM)))
    for member in TEAM:
        user = demo.logins.get(member.key) or _colleague_user(demo, member, used_usernames)
        therapist_create(demo, member, user=user, hcpc_digits=next(hcpc))


def therapist_for(demo: Demo, spec, circumstances, key=None):
    """The therapist for a referral: `key`'s, or one at the programme's sites, preferring
    those whose specialisms match the person's circumstances."""
    if key:
        return demo.therapist_by_key[key]
    sites = set(spec.sites) or {"centre"}  # online sessions are run from the centre
    candidates = [demo.therapist_by_key[m.key] for m in TEAM if sites & set(m.sites)]
    weights = [3 if set(t.specialisms) & set(circumstances) else 1 for t in candidates]
    return demo.rng.choices(candidates, weights=weights)[0]
