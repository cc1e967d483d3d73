"""Changes to users and their second factor."""

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice


def totp_device_start(*, user):
    """An unconfirmed authenticator for the user to scan; replaces any earlier unconfirmed one."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def totp_device_confirm(*, device):
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device
