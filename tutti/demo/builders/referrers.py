"""Who referred each person: the route, the referrer's details and who submitted it.

GP referrals come from a practice in the person's area; the demo GP (the "referrer" log-in)
sends some through the portal, and so does the partner school's SENCO ("partner").
"""

from tutti.core.vocab import Route as R

from .base import Demo, email_for, landline_number
from .places import CAMDEN
from .plans import Plan
from .team import therapist_for


def practice_in(demo: Demo, authority, prefer=None):
    practices = [p for p, la in demo.gp_practices if la == authority]
    if prefer and prefer in practices:
        return prefer
    return demo.rng.choice(practices) if practices else None


def route_for(demo: Demo, plan: Plan, spec, home):
    if plan.by_referrer:
        return R.GP
    if spec.code == "CAMDEN-16-24" and home != CAMDEN and plan.decline != "area":
        return R.GP  # eligible through their Camden GP, who referred them
    return R(demo.weighted(spec.routes))


def referrer_for(demo: Demo, *, plan, spec, route, person, home, main_contact):
    """The referral's referrer fields, and the user who submitted it (None: the public form)."""
    fake, orgs = demo.fake, demo.organisations
    coordinator = demo.logins["coordinator"]
    given, family = fake.first_name(), fake.last_name()
    professional = {
        "referrer_name": f"{given} {family}",
        "referrer_email": email_for(given, family, demo, domain="example.org"),
        "referrer_phone": landline_number(demo, home),
    }
    if route == R.SELF:
        return {}, None if demo.chance(0.7) else coordinator
    if route == R.FAMILY:
        if main_contact is None:
            return {"referrer_name": f"{given} {person.family_name}"}, None
        return {
            "referrer_name": main_contact.name,
            "referrer_phone": main_contact.phone,
            "referrer_email": main_contact.email,
        }, None if demo.chance(0.7) else coordinator
    if route == R.GP:
        referrer_user = demo.logins["referrer"]
        practice_of_referrer = referrer_user.organisation
        wanted_la = CAMDEN if spec.code == "CAMDEN-16-24" and plan.decline != "area" else home
        practice = practice_in(
            demo, wanted_la, prefer=practice_of_referrer if plan.by_referrer else None
        )
        if practice == practice_of_referrer and (plan.by_referrer or demo.chance(0.6)):
            return {
                "referrer_name": referrer_user.full_name,
                "referrer_email": referrer_user.email,
                "referrer_phone": landline_number(demo, CAMDEN),
                "referrer_organisation": practice,
                "referred_by": referrer_user,
            }, referrer_user
        return {
            **professional,
            "referrer_name": f"Dr {given} {family}",
            "referrer_organisation": practice,
        }, coordinator
    if route == R.SCHOOL and spec.code == "HEREFORD-SCHOOLS":
        partner = demo.logins["partner"]
        if demo.chance(0.5):  # sent through the partner portal
            return {
                "referrer_name": partner.full_name,
                "referrer_email": partner.email,
                "referrer_organisation": orgs["school"],
                "referred_by": partner,
            }, partner
        return {**professional, "referrer_organisation": orgs["school"]}, coordinator
    if route == R.COUNCIL and home == CAMDEN:
        return {**professional, "referrer_organisation": orgs["council"]}, coordinator
    if route == R.VOLUNTARY and home.startswith("E09"):
        return {**professional, "referrer_organisation": orgs["carers"]}, coordinator
    if route == R.HEALTH and spec.code in {"NEURO-REHAB", "HOSPICE"}:
        host = "hospital" if spec.code == "NEURO-REHAB" else "hospice"
        return {**professional, "referrer_organisation": orgs[host]}, coordinator
    if route == R.OTHER_PROFESSIONAL and spec.code == "DEMENTIA-CARE-HOMES":
        return {**professional, "referrer_organisation": orgs["care_home"]}, coordinator
    if route == R.INTERNAL:
        colleague = therapist_for(demo, spec, [])
        user = colleague.user
        return {
            "referrer_name": user.full_name,
            "referrer_email": user.email,
            "referrer_organisation": orgs["service"],
        }, user
    return professional, coordinator
