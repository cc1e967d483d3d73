from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django_otp.oath import TOTP


class SignInForm(AuthenticationForm):
    username = forms.CharField(
        label="Email address or username",
        max_length=254,
        error_messages={"required": "Enter your email address or username"},
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput,
        error_messages={"required": "Enter your password"},
    )
    error_messages = {
        "invalid_login": (
            "The email address or password is not right. Check them and try again. "
            "After 5 wrong tries your account is locked for 30 minutes."
        ),
        "inactive": "This account has been switched off. Ask your administrator.",
    }

    def clean_username(self):
        return self.cleaned_data["username"].strip()


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Security code",
        help_text="The 6-digit code from your authenticator app",
        max_length=6,
        min_length=6,
        error_messages={
            "required": "Enter the 6-digit security code from your authenticator app",
            "min_length": "The security code is 6 digits",
            "max_length": "The security code is 6 digits",
        },
    )

    def __init__(self, *args, device, **kwargs):
        self.device = device
        super().__init__(*args, **kwargs)

    def clean_token(self):
        token = self.cleaned_data["token"].replace(" ", "")
        if not token.isdigit():
            raise forms.ValidationError("The security code is 6 digits, like 123456")
        allowed, detail = self.device.verify_is_allowed()
        if not allowed and detail.get("locked_until"):
            # django-otp slows guessing down: each wrong code doubles the wait.
            wait = max(1, int((detail["locked_until"] - timezone.now()).total_seconds()) + 1)
            raise forms.ValidationError(
                f"Too many wrong codes. Wait {wait} seconds, then enter the code your app shows."
            )
        if not self.device.verify_token(token):
            raise forms.ValidationError(
                "That code is not right or has expired. Enter the code your app shows now."
            )
        return token


def current_token(device):
    """The code an authenticator would show now (used by tests and the demo only)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"
