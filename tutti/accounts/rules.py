"""Role predicates for `rules`; object rules live beside each app's selectors."""

import rules

from tutti.accounts.roles import Role

is_administrator = rules.is_group_member(Role.ADMINISTRATOR)
is_coordinator = rules.is_group_member(Role.COORDINATOR)
is_therapist = rules.is_group_member(Role.THERAPIST)
is_supervisor = rules.is_group_member(Role.SUPERVISOR)
is_partner = rules.is_group_member(Role.PARTNER)
is_referrer = rules.is_group_member(Role.REFERRER)
is_commissioner = rules.is_group_member(Role.COMMISSIONER)

rules.add_perm("accounts.view_audit_trail", is_administrator)
rules.add_perm("accounts.view_back_office", is_administrator)
