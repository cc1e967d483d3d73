"""The questions of the public referral form, in order, and the answers given so far.

Answers live in the session only (never in URLs), one dict per question, as plain JSON:
dates as ISO strings. A half-finished form keeps its answers until the session ends or the
referral is sent. Which questions are asked depends on the first answer: someone asking for
somebody else is also asked for their own name and contact details.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django import forms as django_forms
from django.urls import reverse

from tutti.core.forms import DateField
from tutti.referrals.models import new_reference
from tutti.referrals.public import forms
from tutti.referrals.public.wording import Words

SESSION_KEY = "public_referral"
SENT_KEY = "public_referral_sent"


def _always(answers):
    return True


def _for_someone_else(answers):
    return answers.get("who-for", {}).get("who", "me") != "me"


@dataclass(frozen=True)
class Step:
    slug: str
    form_class: type
    question: str  # the page heading, with {you}/{them}/{your} filled from forms.Words
    applies: Callable[[dict], bool] = _always

    @property
    def template(self):
        return f"referrals/public/steps/{self.slug.replace('-', '_')}.jinja"

    @property
    def url(self):
        return reverse("refer:question", kwargs={"slug": self.slug})


FLOW = [
    Step("who-for", forms.WhoForForm, "Who needs music therapy?"),
    Step("your-name", forms.YourNameForm, "What is your name?", _for_someone_else),
    Step("your-contact", forms.YourContactForm, "How can we contact you?", _for_someone_else),
    Step("name", forms.NameForm, "What is {your} name?"),
    Step("date-of-birth", forms.DateOfBirthForm, "What is {your} date of birth?"),
    Step("postcode", forms.PostcodeForm, "What is {your} postcode?"),
    Step("contact", forms.ContactForm, "How can we contact {them}?"),
    Step("help-with", forms.NeedsForm, "What would {you} like help with?"),
    Step("circumstances", forms.CircumstancesForm, "Do any of these apply to {them}?"),
    Step("lives-alone", forms.LivesAloneForm, "Do {you} live alone?"),
    Step(
        "social-contact",
        forms.SocialContactForm,
        "Do {you} see or talk to other people most weeks?",
    ),
    Step("other-support", forms.OtherSupportForm, "Do {you} get help from another service now?"),
    Step(
        "taking-part", forms.TakingPartForm, "Is there anything that would help {them} take part?"
    ),
    Step(
        "anything-else", forms.AnythingElseForm, "Is there anything else you would like to tell us?"
    ),
]
STEPS = {step.slug: step for step in FLOW}


def _to_json(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return value


def _date_or_none(value):
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


class Journey:
    """The answers given so far in this browser session, and where to go next."""

    def __init__(self, session):
        self.session = session
        raw = session.get(SESSION_KEY)
        raw = raw if isinstance(raw, dict) else {}
        answers = raw.get("answers") if isinstance(raw.get("answers"), dict) else {}
        # An answer counts only if it has every field its question asks (sessions outlive
        # changes to the questions).
        self.answers = {
            k: v
            for k, v in answers.items()
            if k in STEPS and isinstance(v, dict) and set(STEPS[k].form_class.base_fields) <= set(v)
        }
        problems = raw.get("problems") if isinstance(raw.get("problems"), dict) else {}
        self.problems = {k: v for k, v in problems.items() if isinstance(v, dict)}
        self.checking = bool(raw.get("checking"))
        self.automated = bool(raw.get("automated"))
        self.programme_code = str(raw.get("programme") or "")
        self.reference = str(raw.get("reference") or "")

    def save(self):
        self.session[SESSION_KEY] = {
            "answers": self.answers,
            "problems": self.problems,
            "checking": self.checking,
            "automated": self.automated,
            "programme": self.programme_code,
            "reference": self.reference,
        }

    @property
    def started(self):
        return bool(self.answers)

    @property
    def words(self):
        return Words(is_self=not _for_someone_else(self.answers))

    def answer(self, slug, name, default=None):
        return self.answers.get(slug, {}).get(name, default)

    def steps(self):
        return [step for step in FLOW if step.applies(self.answers)]

    def first_unfinished(self):
        """The first question not answered yet, or answered with a problem found on sending."""
        for step in self.steps():
            if step.slug not in self.answers or self.problems.get(step.slug):
                return step
        return None

    def may_visit(self, step):
        journey = self.steps()
        if step not in journey:
            return False
        unfinished = self.first_unfinished()
        return unfinished is None or journey.index(step) <= journey.index(unfinished)

    def resume_url(self):
        unfinished = self.first_unfinished()
        return unfinished.url if unfinished else reverse("refer:check")

    def next_url(self, step):
        if self.checking:
            return self.resume_url()
        journey = self.steps()
        later = journey[journey.index(step) + 1 :]
        return later[0].url if later else reverse("refer:check")

    def back_url(self, step):
        if self.checking and step.slug in self.answers and self.first_unfinished() is None:
            return reverse("refer:check")
        journey = self.steps()
        index = journey.index(step)
        return journey[index - 1].url if index else reverse("refer:start")

    def form(self, step, data=None):
        """The step's form: bound to `data` if given, else filled with the saved answer.

        A problem found when sending (e.g. the postcode was refused) is shown on the field,
        with the saved answer as typed."""
        if data is not None:
            return step.form_class(data, words=self.words)
        problems = self.problems.get(step.slug)
        if problems:
            form = step.form_class(self._as_data(step), words=self.words)
            form.is_valid()
            for field, messages in problems.items():
                form.add_error(field if field in form.fields else None, messages)
            return form
        return step.form_class(initial=self._initial(step), words=self.words)

    def save_answer(self, step, cleaned_data):
        self.answers[step.slug] = {k: _to_json(v) for k, v in cleaned_data.items()}
        self.problems.pop(step.slug, None)
        live = {s.slug for s in self.steps()}
        self.answers = {k: v for k, v in self.answers.items() if k in live}
        self.session.pop(SENT_KEY, None)  # a new request has begun
        self.save()

    def add_problem(self, slug, field, messages):
        self.problems.setdefault(slug, {}).setdefault(field, []).extend(messages)

    def reference_for_sending(self):
        """The reference the referral will get, chosen before sending so that pressing Send
        twice (or two requests racing) cannot make two referrals."""
        if not self.reference:
            self.reference = new_reference()
            self.save()
        return self.reference

    def finish(self, *, reference, emailed):
        """Forget the answers; remember only the reference, to show it on the next page."""
        self.session.pop(SESSION_KEY, None)
        self.session[SENT_KEY] = {"reference": reference, "emailed": emailed}

    def _initial(self, step):
        saved = self.answers.get(step.slug, {})
        initial = {}
        for name, field in step.form_class.base_fields.items():
            if name in saved:
                value = saved[name]
                initial[name] = _date_or_none(value) if isinstance(field, DateField) else value
        return initial

    def _as_data(self, step):
        saved = self.answers.get(step.slug, {})
        data = {}
        for name, field in step.form_class.base_fields.items():
            value = saved.get(name)
            if isinstance(field, DateField):
                day = _date_or_none(value)
                for index, part in enumerate((day.day, day.month, day.year) if day else ()):
                    data[f"{name}_{index}"] = str(part)
            elif isinstance(field, django_forms.BooleanField):
                if value:
                    data[name] = "on"
            elif value is not None:
                data[name] = value
        return data
