"""The report filters: a period, and optionally a programme, funder, site, region or nation.

The form is sent by GET, so a report has an address that can be bookmarked and shared; the
address carries only codes and ids, never anything about a person.
"""

from datetime import date, timedelta

from django import forms
from django.utils import timezone

from tutti.accounts.roles import Role
from tutti.core.forms import DateField
from tutti.organisations.models import Organisation, Site
from tutti.reports.scope import (
    financial_year,
    nation_choices,
    programmes_for_user,
    region_choices,
    scope_build,
)

MAX_YEARS = 10


def last_twelve_months(today=None):
    """The 12 whole calendar months before this one: the default period of the reports."""
    today = today or timezone.localdate()
    last = today.replace(day=1) - timedelta(days=1)
    return date(last.year - 1 + (last.month == 12), last.month % 12 + 1, 1), last


def last_financial_year(today=None):
    """The most recent financial year that has ended: what an annual report covers."""
    today = today or timezone.localdate()
    first, _ = financial_year(today)
    return financial_year(first.replace(year=first.year - 1))


def default_data(today=None):
    return dates_data(*last_twelve_months(today))


def dates_data(first, last):
    return {
        "date_from_0": first.day,
        "date_from_1": first.month,
        "date_from_2": first.year,
        "date_to_0": last.day,
        "date_to_1": last.month,
        "date_to_2": last.year,
    }


class ReportForm(forms.Form):
    date_from = DateField(label="From")
    date_to = DateField(label="To", help_text="The last day counted")
    programme = forms.ChoiceField(label="Programme", required=False)
    funder = forms.ChoiceField(label="Funder", required=False)
    site = forms.ChoiceField(label="Site", required=False)
    region = forms.ChoiceField(label="Region", required=False)
    nation = forms.ChoiceField(label="Nation", required=False)
    suppress = forms.BooleanField(
        label="Hide counts of fewer than 5 people, as for publication",
        required=False,
    )

    def __init__(self, data=None, *, user):
        super().__init__(data)
        self.user = user
        self.is_commissioner = not user.has_role(Role.ADMINISTRATOR, Role.COORDINATOR)
        self.allowed = programmes_for_user(user)
        every = (
            [("", "Every programme")]
            if not self.is_commissioner
            else [("", "Every programme you fund")]
        )
        self.fields["programme"].choices = every + [
            (p.code, f"{p.name} ({p.code})") for p in self.allowed
        ]
        funders = Organisation.objects.filter(funded_programmes__isnull=False).distinct()
        self.fields["funder"].choices = [("", "Any funder")] + [
            (str(o.pk), o.name) for o in funders.order_by("name")
        ]
        sites = Site.objects.order_by("name")
        if self.is_commissioner:
            sites = sites.filter(programmes__in=self.allowed).distinct()
            del self.fields["funder"]
            del self.fields["suppress"]  # always on for commissioners
        self.fields["site"].choices = [("", "Every site")] + [(str(s.pk), s.name) for s in sites]
        self.fields["region"].choices = [("", "Every region")] + region_choices()
        self.fields["nation"].choices = [("", "Every nation")] + nation_choices()

    def clean(self):
        data = super().clean()
        first, last = data.get("date_from"), data.get("date_to")
        if first and last:
            if last < first:
                self.add_error("date_to", "The last day must be the same as or after the first")
            elif (last - first).days > MAX_YEARS * 366:
                self.add_error("date_to", f"Choose a period of {MAX_YEARS} years or less")
        return data

    @property
    def suppress_small_numbers(self):
        return self.is_commissioner or bool(self.cleaned_data.get("suppress"))

    def scope(self):
        data = self.cleaned_data
        programme = (
            self.allowed.filter(code=data["programme"]).first() if data.get("programme") else None
        )
        funder = None
        if data.get("funder"):
            funder = Organisation.objects.filter(pk=data["funder"]).first()
        site = Site.objects.filter(pk=data["site"]).first() if data.get("site") else None
        return scope_build(
            date_from=data["date_from"],
            date_to=data["date_to"],
            programme=programme,
            funder=funder,
            site=site,
            region=data.get("region") or "",
            nation=data.get("nation") or "",
            allowed_programmes=self.allowed if self.is_commissioner else None,
        )


def report_form(request):
    """The filters from the address, or the last financial year when none are given."""
    data = request.GET.copy()
    if not any(key.startswith("date_") for key in data):
        for key, value in default_data().items():
            data[key] = str(value)
    return ReportForm(data, user=request.user)
