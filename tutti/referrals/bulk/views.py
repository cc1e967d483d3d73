from pathlib import Path

from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from tutti.accounts.decorators import role_required
from tutti.accounts.roles import Role
from tutti.referrals.bulk import presenters
from tutti.referrals.bulk.forms import ReferralFileForm
from tutti.referrals.bulk.importer import write_report
from tutti.referrals.bulk.tasks import referral_import_queue
from tutti.referrals.models import ReferralImport

may_import = role_required(Role.COORDINATOR, Role.ADMINISTRATOR)
TEMPLATE_CSV = Path(__file__).with_name("referrals_template.csv")


@may_import
@require_http_methods(["GET", "POST"])
def bulk_upload(request):
    form = ReferralFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = referral_import_queue(
            file_name=form.cleaned_data["file"].name,
            data=form.cleaned_data["data"],
            actor=request.user,
        )
        return redirect("referrals:bulk_status", pk=job.pk)
    recent = ReferralImport.objects.select_related("uploaded_by").defer("file_data")[:10]
    return render(request, "referrals/bulk/upload.jinja", {"form": form, "recent": recent})


@may_import
def bulk_status(request, pk):
    job = _job(pk)
    return render(request, "referrals/bulk/status.jinja", presenters.status(job))


@may_import
def bulk_progress(request, pk):
    """The part of the status page that htmx reloads until the import has finished."""
    job = _job(pk)
    return render(request, "referrals/bulk/_progress.jinja", presenters.status(job))


@may_import
def bulk_problems_csv(request, pk):
    job = _job(pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="referral-import-{job.pk}-problems.csv"'
    )
    write_report(response, job.row_problems)
    return response


@may_import
def bulk_template(request):
    return FileResponse(
        TEMPLATE_CSV.open("rb"),
        as_attachment=True,
        filename="referrals-template.csv",
        content_type="text/csv; charset=utf-8",
    )


def _job(pk):
    return get_object_or_404(ReferralImport.objects.defer("file_data"), pk=pk)
