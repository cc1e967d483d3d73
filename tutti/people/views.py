from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import redirect, render

from tutti.accounts.roles import Role
from tutti.core.audit import access_record, record_trail
from tutti.people import services
from tutti.people.forms import PersonForm
from tutti.people.selectors import people_visible_to, person_for_user


@login_required
def person_list(request):
    people = people_visible_to(request.user).order_by("family_name", "given_name")[:200]
    return render(request, "people/person_list.jinja", {"people": people})


@login_required
def person_detail(request, pk):
    person = person_for_user(request.user, pk)
    if person is None:
        raise Http404("No such person, or not yours to see")
    access_record(request=request, obj=person, person_id=person.pk)
    referrals = person.referrals.select_related("programme", "therapist__user").all()
    return render(
        request,
        "people/person_detail.jinja",
        {
            "person": person,
            "referrals": referrals,
            "contacts": person.contacts.all(),
            "can_edit": request.user.has_role(Role.ADMINISTRATOR, Role.COORDINATOR),
            "can_see_trail": request.user.has_perm("accounts.view_audit_trail"),
        },
    )


@login_required
def person_edit(request, pk):
    person = person_for_user(request.user, pk)
    if person is None:
        raise Http404("No such person, or not yours to see")
    if not request.user.has_role(Role.ADMINISTRATOR, Role.COORDINATOR):
        raise PermissionDenied("Only coordinators change people's details")
    name = person.full_name  # the form changes the instance in memory before it is saved
    form = PersonForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(person=person, actor=request.user, **form.cleaned_data)
        except IntegrityError:
            # Another coordinator saved the same NHS number between our check and save.
            form.add_error("nhs_number", "Someone else already has this NHS number.")
        else:
            messages.success(request, "Details saved")
            return redirect("people:detail", pk=person.pk)
    else:
        access_record(request=request, obj=person, person_id=person.pk)
    return render(
        request, "people/person_form.jinja", {"form": form, "person": person, "name": name}
    )


@login_required
def person_trail(request, pk):
    if not request.user.has_perm("accounts.view_audit_trail"):
        raise PermissionDenied("Only administrators see audit trails")
    person = person_for_user(request.user, pk)
    if person is None:
        raise Http404("No such person")
    return render(
        request, "people/person_trail.jinja", {"person": person, "rows": record_trail(person)}
    )
