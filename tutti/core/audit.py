"""Audit of personal records: reads are AccessEvents here, changes are django-auditlog's."""

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType

from tutti.core.models import AccessEvent


def client_ip(request):
    """The visitor's address. With PROXY_COUNT trusted proxies in front, the address the
    outermost of them saw; X-Forwarded-For entries before that are the client's to forge."""
    proxies = getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0) or 0
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def access_record(*, request, obj, person_id=None, action=AccessEvent.Action.VIEW):
    """Write one access event for `obj` viewed (or exported) by the signed-in user."""
    user = request.user
    return AccessEvent.objects.create(
        actor=user if user.is_authenticated else None,
        actor_label=user.get_username() if user.is_authenticated else "anonymous",
        action=action,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        person_id=person_id,
        path=request.path[:300],
        remote_addr=client_ip(request),
    )


def access_record_list(*, request, objs, person_id_of, action=AccessEvent.Action.VIEW):
    """One access event per record shown on a list page (one INSERT for all of them)."""
    objs = list(objs)
    if not objs:
        return []
    user = request.user
    content_type = ContentType.objects.get_for_model(objs[0])
    common = {
        "actor": user if user.is_authenticated else None,
        "actor_label": user.get_username() if user.is_authenticated else "anonymous",
        "action": action,
        "content_type": content_type,
        "path": request.path[:300],
        "remote_addr": client_ip(request),
    }
    return AccessEvent.objects.bulk_create(
        [AccessEvent(object_id=str(obj.pk), person_id=person_id_of(obj), **common) for obj in objs]
    )


def record_trail(obj):
    """Every change (auditlog) and access event for a record and the records it owns.

    A model may define `audit_related()` returning the records whose history belongs
    with it (a person's referrals and their status events, say).
    """
    objects = [obj, *getattr(obj, "audit_related", lambda: [])()]
    changes = []
    for item in objects:
        changes.extend(LogEntry.objects.get_for_object(item).select_related("actor"))
    person_id = obj.pk if getattr(obj, "is_person_record", False) else None
    ct = ContentType.objects.get_for_model(obj)
    accesses = AccessEvent.objects.filter(content_type=ct, object_id=str(obj.pk))
    if person_id is not None:
        accesses = AccessEvent.objects.filter(person_id=person_id) | accesses
    rows = [
        {
            "at": entry.timestamp,
            "who": entry.actor.get_username() if entry.actor else "system",
            "what": f"{entry.get_action_display()} {entry.content_type.name} {entry.object_repr}",
            "changes": entry.changes_display_dict,
            "from": entry.remote_addr or "",
        }
        for entry in changes
    ]
    rows.extend(
        {
            "at": event.at,
            "who": event.actor_label,
            "what": f"{event.get_action_display()} {event.content_type.name} {event.object_id}",
            "changes": {},
            "from": event.remote_addr or "",
        }
        for event in accesses.select_related("content_type").distinct()
    )
    rows.sort(key=lambda row: row["at"], reverse=True)
    return rows
