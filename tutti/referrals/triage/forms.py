from django import forms

from tutti.programmes.models import Programme
from tutti.referrals.triage.services import Decision

NOT_IN_EMAIL = "Kept on the referral. It is not put in the email to the referrer."


class ProgrammeChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, eligibility=None, **kwargs):
        self.eligibility = eligibility or {}
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        known = self.eligibility.get(obj.pk)
        if known is None:
            return obj.name
        return f"{obj.name} ({'eligible' if known.eligible else 'not eligible'})"


class TriageForm(forms.Form):
    """One decision, with the details each decision needs."""

    decision = forms.ChoiceField(
        label="What is your decision?",
        choices=Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what to do with this referral"},
    )
    programme = ProgrammeChoiceField(
        label="Which programme's waiting list?",
        queryset=Programme.objects.none(),
        required=False,
        empty_label="Choose a programme",
    )
    accept_anyway_reason = forms.CharField(
        label="If they are not eligible for it, why accept them anyway?",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        help_text="Needed only when the person is not eligible for the programme. " + NOT_IN_EMAIL,
    )
    decline_reason = forms.CharField(
        label="Why is the referral declined?",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        help_text=NOT_IN_EMAIL,
    )
    signposted_to = forms.CharField(
        label="Which service are they signposted to?",
        required=False,
        max_length=200,
        help_text="The name of the service only. It is put in the email to the referrer.",
    )
    signpost_reason = forms.CharField(
        label="Why signpost them elsewhere?",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        help_text=NOT_IN_EMAIL,
    )
    info_needed = forms.CharField(
        label="What information is needed?",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        help_text="Kept on the referral. The email to the referrer says only that we will "
        "contact them.",
    )

    def __init__(self, *args, referral, eligibility, **kwargs):
        """`eligibility` maps each programme's pk to its ProgrammeEligibility."""
        kwargs.setdefault("initial", {"programme": referral.programme_id})
        super().__init__(*args, **kwargs)
        self.referral = referral
        self.eligibility = eligibility
        field = self.fields["programme"]
        field.queryset = Programme.objects.filter(open_to_referrals=True)
        field.eligibility = eligibility

    def clean(self):
        data = super().clean()
        decision = data.get("decision")
        name = self.referral.person.full_name
        if decision == Decision.ACCEPT:
            programme = data.get("programme")
            if programme is None:
                if "programme" not in self.errors:
                    self.add_error("programme", "Choose the programme whose waiting list to join")
            elif not self.is_eligible(programme) and not data.get("accept_anyway_reason"):
                self.add_error(
                    "accept_anyway_reason",
                    f"{name} is not eligible for {programme.name}. Say why you are accepting "
                    "them anyway, or choose another programme",
                )
        elif decision == Decision.DECLINE:
            self._require("decline_reason", "Give the reason the referral is declined")
        elif decision == Decision.SIGNPOST:
            self._require("signposted_to", "Enter the service they are signposted to")
            self._require("signpost_reason", "Give the reason for signposting them elsewhere")
        elif decision == Decision.ASK:
            self._require("info_needed", "Say what information is needed")
        return data

    def _require(self, field, message):
        if not self.cleaned_data.get(field, "").strip() and field not in self.errors:
            self.add_error(field, message)

    def is_eligible(self, programme):
        known = self.eligibility.get(programme.pk)
        return known is not None and known.eligible

    def service_arguments(self) -> dict:
        """The keyword arguments for referral_triage."""
        data = self.cleaned_data
        decision = Decision(data["decision"])
        if decision == Decision.ACCEPT:
            programme = data["programme"]
            note = data["accept_anyway_reason"].strip()
            if not self.is_eligible(programme):
                note = f"Accepted although not eligible for {programme.name}: {note}"
            return {"decision": decision, "programme": programme, "reason": note}
        if decision == Decision.DECLINE:
            return {"decision": decision, "reason": data["decline_reason"].strip()}
        if decision == Decision.SIGNPOST:
            return {
                "decision": decision,
                "reason": data["signpost_reason"].strip(),
                "signposted_to": data["signposted_to"].strip(),
            }
        return {"decision": decision, "reason": data["info_needed"].strip()}


class PersonMatchForm(forms.Form):
    same_person = forms.ChoiceField(
        label="Is this the same person?",
        choices=[("yes", "Yes, this is the same person"), ("no", "No, this is someone else")],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select yes if the referral is for the person on record, "
            "or no if it is for someone else"
        },
    )
