"""Forms for planning and entering responses (staff) and answering online (public)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from tutti.core.forms import DateField
from tutti.outcomes.library import option_labels
from tutti.outcomes.models import AnsweredBy, Occasion, Respondent
from tutti.outcomes.presenters import measure_items
from tutti.outcomes.services import MAX_GOALS

NOT_ANSWERED = "Not answered"


def _referral_choices(referrals):
    choices = [
        (
            str(r.pk),
            f"{r.reference}: {r.programme or 'programme not chosen'} "
            f"({r.get_status_display().lower()})",
        )
        for r in referrals
    ]
    return [*choices, ("", "Not linked to a referral")]


class PlanForm(forms.Form):
    """Plan measures at baseline, review and end of a referral (the episode's stand-in)."""

    referral = forms.ChoiceField(label="Which referral are these for?", required=False)
    measures = forms.MultipleChoiceField(
        label="Measures",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one measure"},
    )
    baseline_due = DateField(label="Baseline due", required=False)
    review_due = DateField(label="Review due", required=False)
    end_due = DateField(label="End due", required=False)

    def __init__(self, *args, referrals, measures, **kwargs):
        super().__init__(*args, **kwargs)
        self.referrals = {str(r.pk): r for r in referrals}
        self.measures = {m.code: m for m in measures}
        self.fields["referral"].choices = _referral_choices(referrals)
        self.fields["referral"].widget = forms.RadioSelect(choices=self.fields["referral"].choices)
        self.fields["measures"].choices = [(m.code, m.name) for m in measures]

    def clean(self):
        data = super().clean()
        dates = [data.get(name) for name in ("baseline_due", "review_due", "end_due")]
        if not self.errors and not any(dates):
            self.add_error("baseline_due", "Enter at least one due date")
        return data

    def plan_arguments(self):
        data = self.cleaned_data
        return {
            "referral": self.referrals.get(data["referral"] or ""),
            "measures": [self.measures[code] for code in data["measures"]],
            "due": {
                Occasion.BASELINE: data["baseline_due"],
                Occasion.REVIEW: data["review_due"],
                Occasion.END: data["end_due"],
            },
        }


class RecordForm(forms.Form):
    """Record a measure that was not planned: which, when in the therapy, for which referral."""

    measure = forms.ChoiceField(label="Measure or survey")
    occasion = forms.ChoiceField(
        label="When in the therapy", choices=Occasion.choices, widget=forms.RadioSelect
    )
    referral = forms.ChoiceField(label="Which referral is this for?", required=False)

    def __init__(self, *args, referrals, measures, **kwargs):
        super().__init__(*args, **kwargs)
        self.referrals = {str(r.pk): r for r in referrals}
        self.measures = {m.code: m for m in measures}
        self.fields["measure"].choices = [("", "Choose a measure")] + [
            (m.code, m.name) for m in measures
        ]
        self.fields["referral"].choices = _referral_choices(referrals)
        self.fields["referral"].widget = forms.RadioSelect(choices=self.fields["referral"].choices)


class EntryForm(forms.Form):
    """The answers to one response, as the therapist enters them from paper or a session."""

    completed_on = DateField(label="Date answered", past_only=True)
    answered_by = forms.ChoiceField(
        label="Who answered?",
        widget=forms.RadioSelect,
        choices=[
            (AnsweredBy.PERSON.value, "The person themselves"),
            (AnsweredBy.PROXY.value, "A carer or family member, on the person's behalf"),
        ],
        error_messages={"required": "Say who answered"},
    )
    proxy_relationship = forms.CharField(
        label="How do they know the person?",
        required=False,
        max_length=100,
        help_text="For example, mum, support worker",
    )
    save_unscored = forms.BooleanField(
        label="Save without a score: the person did not answer enough items", required=False
    )

    def __init__(self, *args, response, **kwargs):
        super().__init__(*args, **kwargs)
        self.response = response
        measure = response.measure
        self.goal_based = measure.is_goal_based
        self.fields["completed_on"].initial = timezone.localdate()
        if measure.respondent != Respondent.PERSON:
            del self.fields["answered_by"], self.fields["proxy_relationship"]
        labels = option_labels(measure)
        choices = [(str(v), labels[v]) for v in measure.scale_values]
        if measure.definition.get("options_descending"):
            choices.reverse()
        self.item_names = []
        # Answers already given online (a half-finished form) start the form off.
        given = list(response.answers or [])

        def started(number):
            value = given[number - 1] if number <= len(given) else None
            return "" if value is None else str(value)

        if self.goal_based:
            goals = list(response.goals) + [""] * MAX_GOALS
            for number in range(1, MAX_GOALS + 1):
                self.fields[f"goal_{number}"] = forms.CharField(
                    label=f"Goal {number}",
                    required=number == 1 and not response.goals,
                    max_length=300,
                    initial=goals[number - 1],
                    error_messages={"required": "Enter at least one goal"},
                )
                self.fields[f"item_{number}"] = forms.ChoiceField(
                    label=f"Goal {number}: rating from 0 to 10",
                    required=False,
                    choices=[("", NOT_ANSWERED), *choices],
                    initial=started(number),
                )
                self.item_names.append(f"item_{number}")
            return
        for item in measure_items(measure):
            name = f"item_{item['number']}"
            self.fields[name] = forms.ChoiceField(
                label=f"{item['number']}. {item['wording']}",
                required=False,
                choices=[*choices, ("", NOT_ANSWERED)],
                widget=forms.RadioSelect if len(choices) <= 5 else forms.Select,
                initial=started(item["number"]),
            )
            self.item_names.append(name)

    def clean(self):
        data = super().clean()
        if data.get("answered_by") == AnsweredBy.PROXY and not data.get("proxy_relationship"):
            self.add_error("proxy_relationship", "Say how they know the person")
        if self.goal_based:
            for number in range(1, MAX_GOALS + 1):
                goal, rating = data.get(f"goal_{number}"), data.get(f"item_{number}")
                if rating and not goal:
                    self.add_error(
                        f"goal_{number}",
                        f"Enter goal {number}, or leave its rating as not answered",
                    )
        return data

    def goals(self):
        if not self.goal_based:
            return None
        return [self.cleaned_data.get(f"goal_{n}", "") for n in range(1, MAX_GOALS + 1)]

    def answers(self):
        def value(name):
            raw = self.cleaned_data.get(name)
            return int(raw) if raw not in (None, "") else None

        if self.goal_based:
            return [
                value(f"item_{n}")
                for n in range(1, MAX_GOALS + 1)
                if self.cleaned_data.get(f"goal_{n}")
            ]
        return [value(name) for name in self.item_names]

    def record_arguments(self):
        data = self.cleaned_data
        measure = self.response.measure
        answered_by = data.get("answered_by") or measure.respondent
        return {
            "answers": self.answers(),
            "goals": self.goals(),
            "answered_by": answered_by,
            "proxy_relationship": data.get("proxy_relationship", ""),
            "completed_on": data["completed_on"],
            "allow_unscored": data.get("save_unscored", False),
        }

    def apply_errors(self, error: ValidationError):
        """Put a service's errors ('answers.3', 'goals'…) next to the fields they are about."""
        for key, messages in error.message_dict.items():
            target = None
            if key.startswith("answers."):
                index = int(key.split(".")[1])
                target = self.item_names[index] if index < len(self.item_names) else None
            elif key in self.fields:
                target = key
            elif key == "goals":
                target = "goal_1" if self.goal_based else None
            for message in messages:
                self.add_error(target, message)


class LinkForm(forms.Form):
    easy_read = forms.BooleanField(
        label="Use the easy-read version: short sentences, one question a page, big buttons",
        required=False,
    )
    send_email = forms.BooleanField(label="Also email the link", required=False)

    def __init__(self, *args, response, email="", **kwargs):
        super().__init__(*args, **kwargs)
        measure = response.measure
        has_easy_read = any(item.easy_read_wording for item in measure.items.all())
        if not has_easy_read:
            del self.fields["easy_read"]
        if email:
            self.fields["send_email"].label = f"Also email the link to {email}"
        else:
            del self.fields["send_email"]


class StaffSurveyForm(forms.Form):
    organisation = forms.ChoiceField(label="Partner organisation")

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = {str(o.pk): o for o in organisations}
        self.fields["organisation"].choices = [("", "Choose an organisation")] + [
            (str(o.pk), o.name) for o in organisations
        ]


# Public: answering online


class RespondentForm(forms.Form):
    answered_by = forms.ChoiceField(
        label="Who is answering these questions?",
        widget=forms.RadioSelect,
        choices=[
            (AnsweredBy.PERSON.value, "I am answering for myself"),
            (AnsweredBy.PROXY.value, "I am answering for someone I care for or a family member"),
        ],
        error_messages={"required": "Choose who is answering"},
    )
    proxy_relationship = forms.CharField(
        label="How do you know them?",
        help_text="For example, mum, dad, carer",
        required=False,
        max_length=100,
    )

    def clean(self):
        data = super().clean()
        if data.get("answered_by") == AnsweredBy.PROXY and not data.get("proxy_relationship"):
            self.add_error("proxy_relationship", "Say how you know them, like 'mum' or 'carer'")
        return data


class QuestionForm(forms.Form):
    answer = forms.ChoiceField(
        widget=forms.RadioSelect,
        error_messages={"required": "Choose an answer, or choose 'Skip this question'"},
    )

    def __init__(self, *args, choices, label, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answer"].choices = choices
        self.fields["answer"].label = label


def question_choices(measure, *, easy_read=False):
    labels = option_labels(measure, easy_read=easy_read)
    choices = [(str(v), labels[v]) for v in measure.scale_values]
    if measure.definition.get("options_descending"):
        choices.reverse()
    return choices
