"""The coordinator's view of session reminders: what failed, what is being retried."""

from datetime import timedelta

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tutti.accounts.decorators import role_required
from tutti.accounts.roles import Role
from tutti.delivery.models import Reminder
from tutti.delivery.services.reminders import reminder_retry

COORDINATORS = (Role.COORDINATOR, Role.ADMINISTRATOR)


@role_required(*COORDINATORS)
def reminder_list(request):
    week_ago = timezone.now() - timedelta(days=7)
    needs_attention = (
        Reminder.objects.filter(status=Reminder.Status.FAILED)
        | Reminder.objects.filter(status=Reminder.Status.QUEUED, attempts__gt=0)
    ).select_related("session__site", "episode__person", "episode__referral")
    counts = dict(
        Reminder.objects.filter(updated_at__gte=week_ago)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return render(
        request,
        "delivery/reminders/list.jinja",
        {
            "reminders": needs_attention.order_by("-updated_at")[:200],
            "counts": [(label, counts.get(value, 0)) for value, label in Reminder.Status.choices],
        },
    )


@require_POST
@role_required(*COORDINATORS)
def reminder_retry_view(request, pk):
    reminder = get_object_or_404(Reminder, pk=pk)
    if reminder.status != Reminder.Status.FAILED:
        messages.info(request, "That reminder is not marked as failed, so it was left as it is.")
    else:
        reminder_retry(reminder=reminder, actor=request.user)
        messages.success(request, "The reminder will be sent again now.")
    return redirect("delivery:reminders")
