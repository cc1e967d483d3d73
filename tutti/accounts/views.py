from base64 import b32encode
from io import BytesIO

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from tutti.accounts import dashboards, services
from tutti.accounts.forms import SignInForm, TokenForm


class PasswordResetForm(auth_forms.PasswordResetForm):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter the email address you sign in with",
            "invalid": "Enter an email address in the right format, like name@example.org",
        },
    )


class SetPasswordForm(auth_forms.SetPasswordForm):
    pass


sign_in = LoginView.as_view(
    template_name="accounts/sign_in.jinja",
    authentication_form=SignInForm,
    redirect_authenticated_user=True,
)


# SameSite=Lax session cookies mean a cross-site POST carries no session to sign out of,
# and the NHS.UK header's sign-out form has no place for a CSRF token.
@csrf_exempt
@require_POST
def sign_out(request):
    logout(request)
    return redirect("accounts:sign_in")


def _safe_next(request):
    target = request.POST.get("next") or request.GET.get(REDIRECT_FIELD_NAME) or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return settings.LOGIN_REDIRECT_URL


def _qr_svg(device):
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    buffer = BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    svg = svg[svg.index("<svg") :]  # drop the XML declaration, it is inline in the page
    return mark_safe(svg.replace("<svg", '<svg role="img" aria-label="QR code to scan"', 1))


@login_required
def two_factor(request):
    """Check the authenticator code; the first time, set the authenticator up."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    setting_up = device is None
    if setting_up:
        device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
        if device is None:
            device = services.totp_device_start(user=request.user)
    form = TokenForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        if setting_up:
            services.totp_device_confirm(device=device)
        otp_login(request, device)
        return redirect(_safe_next(request))
    context = {"form": form, "setting_up": setting_up, "next": _safe_next(request)}
    if setting_up:
        context["qr_svg"] = _qr_svg(device)
        context["secret"] = b32encode(device.bin_key).decode()
    return render(request, "accounts/two_factor.jinja", context)


@login_required
def dashboard(request):
    return render(request, "accounts/dashboard.jinja", dashboards.for_user(request.user))


def locked_out(request, credentials=None, *args, **kwargs):
    """Shown by django-axes after too many failed sign-ins."""
    return render(request, "accounts/locked_out.jinja", status=429)
