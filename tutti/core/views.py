from django.shortcuts import render


def home(request):
    return render(request, "core/home.jinja")


def accessibility(request):
    return render(request, "core/accessibility.jinja")


def privacy(request):
    return render(request, "core/privacy.jinja")


def page_not_found(request, exception=None):
    return render(request, "core/404.jinja", status=404)


def permission_denied(request, exception=None):
    return render(request, "core/403.jinja", status=403)


def server_error(request):
    return render(request, "core/500.jinja", status=500)
