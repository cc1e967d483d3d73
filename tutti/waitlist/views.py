import csv

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from tutti.accounts.decorators import role_required
from tutti.accounts.roles import Role
from tutti.core.audit import access_record, access_record_list
from tutti.core.models import AccessEvent
from tutti.programmes.models import Programme
from tutti.referrals.selectors import referral_for_user
from tutti.waitlist import services
from tutti.waitlist.forms import FilterForm, PolicyForm
from tutti.waitlist.priority import COMPONENTS, weights_of
from tutti.waitlist.proposals import proposal_build
from tutti.waitlist.selectors import age_band, policy_for, waiting_list

MANAGERS = (Role.COORDINATOR, Role.ADMINISTRATOR)


@role_required(*MANAGERS)
def index(request):
    rows = []
    for programme in Programme.objects.order_by("name"):
        entries, _ = waiting_list(programme)
        rows.append(
            {
                "programme": programme,
                "waiting": len(entries),
                "over_target": sum(e.over_target for e in entries),
                "longest_weeks": max((e.waited_days for e in entries), default=0) // 7,
            }
        )
    return render(request, "waitlist/index.jinja", {"rows": rows})


@role_required(*MANAGERS)
def programme_list(request, code):
    programme = get_object_or_404(Programme, code=code)
    form = FilterForm(request.GET or None)
    entries, shown = waiting_list(programme, filters=form.filters())
    access_record_list(
        request=request, objs=[e.referral for e in shown], person_id_of=lambda r: r.person_id
    )
    return render(
        request,
        "waitlist/programme.jinja",
        {
            "programme": programme,
            "form": form if form.errors else None,
            "filter_form": form,
            "entries": entries,
            "shown": shown,
            "policy": policy_for(programme),
            "query": request.GET.urlencode(),
        },
    )


@role_required(*MANAGERS)
def programme_export(request, code):
    """CSV of the list as filtered. Each person in it is recorded as exported."""
    programme = get_object_or_404(Programme, code=code)
    entries, shown = waiting_list(programme, filters=FilterForm(request.GET or None).filters())
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="waiting-list-{programme.code}-{stamp}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(
        [
            "position",
            "reference",
            "name",
            "age",
            "age_band",
            "imd_quintile",
            "route",
            "urgency",
            "waited_weeks",
            "over_target",
            "priority",
            *[f"points_{name}" for name in COMPONENTS],
        ]
    )
    for entry in shown:
        referral, person = entry.referral, entry.referral.person
        writer.writerow(
            [
                entry.position,
                referral.reference,
                person.full_name,
                entry.age,
                age_band(entry.age),
                person.imd_quintile or "",
                referral.route,
                referral.urgency,
                entry.waited_days // 7,
                "yes" if entry.over_target else "no",
                entry.priority.total,
                *[part.points for part in entry.priority.parts],
            ]
        )
        access_record(
            request=request, obj=referral, person_id=person.pk, action=AccessEvent.Action.EXPORT
        )
    return response


@role_required(*MANAGERS)
def why_here(request, reference):
    referral = referral_for_user(request.user, reference)
    if referral is None or referral.programme is None:
        raise Http404("No such referral on a waiting list")
    entries, _ = waiting_list(referral.programme)
    entry = next((e for e in entries if e.referral.pk == referral.pk), None)
    if entry is None:
        raise Http404("This referral is not waiting")
    access_record(request=request, obj=referral, person_id=referral.person_id)
    return render(
        request,
        "waitlist/why_here.jinja",
        {
            "entry": entry,
            "referral": referral,
            "of": len(entries),
            "programme": referral.programme,
        },
    )


@role_required(*MANAGERS)
def policy_edit(request, code):
    """Change the weights: 'Preview' shows the new order first; 'Save' keeps it (audited)."""
    programme = get_object_or_404(Programme, code=code)
    policy = policy_for(programme)
    form = PolicyForm(request.POST or None, instance=policy)
    preview = None
    if request.method == "POST" and form.is_valid():
        weights = {name: float(form.cleaned_data[name]) for name in COMPONENTS}
        if request.POST.get("action") == "save":
            services.priority_policy_save(programme=programme, weights=weights, actor=request.user)
            messages.success(request, "The new priority policy is saved")
            return redirect("waitlist:programme", code=programme.code)
        preview = _preview(programme, weights_of(policy), weights)
    return render(
        request,
        "waitlist/policy.jinja",
        {
            "programme": programme,
            "form": form,
            "preview": preview,
            "policy": policy,
        },
    )


def _preview(programme, old_weights, new_weights, limit=25):
    old, _ = waiting_list(programme, weights=old_weights)
    new, _ = waiting_list(programme, weights=new_weights)
    old_position = {e.referral.pk: e.position for e in old}
    return {
        "rows": [
            {
                "entry": e,
                "was": old_position[e.referral.pk],
                "moved": old_position[e.referral.pk] - e.position,
            }
            for e in new[:limit]
        ],
        "changed": sum(1 for e in new if old_position[e.referral.pk] != e.position),
        "total": len(new),
    }


@role_required(*MANAGERS)
def allocate(request, code):
    """A dry-run proposal of offers, one-to-one and group places (GET); confirming it makes
    the offers (POST)."""
    programme = get_object_or_404(Programme, code=code)
    if request.method == "POST":
        pairs, bad = services.parse_assignments(request.POST.getlist("assignment"))
        if not pairs and not bad:
            messages.error(request, "There were no offers to confirm. Make a new proposal.")
            return redirect("waitlist:allocate", code=programme.code)
        result = services.allocation_confirm(
            programme=programme,
            assignments=pairs,
            actor=request.user,
            base_url=request.build_absolute_uri("/"),
        )
        result.skipped[:0] = bad
        return render(
            request, "waitlist/allocate_done.jinja", {"programme": programme, "result": result}
        )
    equity = request.GET.get("equity") == "on" if "run" in request.GET else True
    proposal = proposal_build(programme, equity=equity)
    shown = {p.entry.referral.pk: p.entry.referral for p in [*proposal.proposed, *proposal.fcfs]}
    access_record_list(request=request, objs=shown.values(), person_id_of=lambda r: r.person_id)
    return render(
        request, "waitlist/allocate.jinja", {"programme": programme, "proposal": proposal}
    )
