from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models


class AccessEvent(models.Model):
    """One view (or export) of a personal record: who, which record, when, from where.

    Changes are recorded by django-auditlog; this records the reads it does not see.
    """

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        EXPORT = "export", "Exported"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept when a user is later removed, so the trail still says who it was.
    actor_label = models.CharField(max_length=200)
    action = models.CharField(max_length=10, choices=Action.choices, default=Action.VIEW)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    # The person whose record this is, so a person's whole trail is one query.
    person_id = models.BigIntegerField(null=True, db_index=True)
    path = models.CharField(max_length=300, help_text="Path without query string")
    remote_addr = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]

    def __str__(self):
        action = self.get_action_display().lower()
        return f"{self.actor_label} {action} {self.content_type} {self.object_id}"
