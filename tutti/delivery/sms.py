"""Sending text messages. One small interface so a real provider (for example GOV.UK Notify)
can be plugged in with a setting; the demo prints messages to the console and tests keep them
in memory.

    TUTTI_SMS_BACKEND = "tutti.delivery.sms.ConsoleSmsBackend"   # demo
    TUTTI_SMS_BACKEND = "tutti.delivery.sms.LocmemSmsBackend"    # tests: see `outbox`
    TUTTI_SMS_BACKEND = "tutti.delivery.sms.DisabledSmsBackend"  # production until a provider
"""

import sys
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string


class SmsError(Exception):
    """The provider refused or could not take the message; the text says why, with no
    personal details, and is shown to the coordinator."""


@dataclass(frozen=True)
class TextMessage:
    to: str
    body: str


class SmsBackend:
    def send(self, message: TextMessage) -> None:  # pragma: no cover - the interface
        raise NotImplementedError


class ConsoleSmsBackend(SmsBackend):
    """Prints each message, as Django's console email backend does, for the demo."""

    def send(self, message: TextMessage) -> None:
        sys.stdout.write(f"--- text message to {message.to} ---\n{message.body}\n---\n")
        sys.stdout.flush()


class DisabledSmsBackend(SmsBackend):
    """Production's default until a provider is set: every text message fails, visibly, on
    the coordinator's reminders page (never printed: a phone number is personal data)."""

    def send(self, message: TextMessage) -> None:
        raise SmsError("No text message service is set up (TUTTI_SMS_BACKEND)")


outbox: list[TextMessage] = []


class LocmemSmsBackend(SmsBackend):
    """Keeps messages in `outbox` for tests."""

    def send(self, message: TextMessage) -> None:
        outbox.append(message)


def send_sms(*, to: str, body: str) -> None:
    backend = import_string(settings.TUTTI_SMS_BACKEND)()
    backend.send(TextMessage(to=to, body=body))
