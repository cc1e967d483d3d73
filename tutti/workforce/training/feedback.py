"""Course feedback through the outcomes survey engine.

When a cohort's last session has its register taken, each person who came is sent a one-time
link to the course feedback survey (`survey_course` in the measure library). Their answers
are reported with the other surveys, as the % who agree with each statement, with n.
"""

from django.db import transaction
from django.urls import reverse
from django_tasks import task

from tutti.outcomes import links, services
from tutti.outcomes.models import Measure, Occasion

SURVEY_CODE = "survey_course"


def request_course_feedback(*, participant, base_url="") -> bool:
    """Plan a course feedback response for `participant` and email them its link once the
    register is saved. False (and nothing planned) when the survey is switched off or the
    person gave no email address."""
    measure = Measure.objects.filter(code=SURVEY_CODE, is_active=True).first()
    if measure is None or not participant.email:
        return False
    response = services.response_plan(
        measure=measure,
        occasion=Occasion.END,
        course_participant=participant,
        due_on=participant.cohort.sessions.order_by("-date").values_list("date", flat=True)[0],
        actor=None,
    )
    _, token = links.response_link_create(response=response, actor=None)
    url = f"{base_url.rstrip('/')}{reverse('questionnaire:open', kwargs={'token': token})}"
    # The token goes to the worker in the task's arguments; it is stored hashed everywhere else.
    transaction.on_commit(lambda: send_course_feedback_link.enqueue(response.pk, url))
    return True


@task()
def send_course_feedback_link(response_id: int, url: str) -> None:
    from tutti.outcomes.models import Response

    response = Response.objects.select_related("course_participant").get(pk=response_id)
    links.response_link_email(response=response, to=response.course_participant.email, url=url)
