"""The discharge letter as a FHIR document: a Bundle of type document, read at
[base]/Bundle/discharge-<reference> (FHIR keeps documents at the Bundle endpoint).

The Composition comes first (LOINC 18842-5, Discharge summary) and says in its sections what
the printable letter says: the episode of care, the therapist's discharge summary and the
change in each outcome measure. The Patient, the service (Organization), the therapists
(Practitioner), the EpisodeOfCare (referralRequest: the ServiceRequest) and the scores
(Observation) follow, each with a urn:uuid fullUrl. Built from tutti.delivery.letters, as
the page is, so the two never disagree. No session notes are read.
"""

from html import escape

from django.conf import settings
from fhir.resources.R4B.bundle import Bundle

from tutti.delivery.letters import nhs_number_text, score_text
from tutti.fhir import codes
from tutti.fhir.outbound import coding, instant, letter_id, urn
from tutti.fhir.outbound.measures import observation


def _div(*paragraphs_or_html):
    return {
        "status": "generated",
        "div": '<div xmlns="http://www.w3.org/1999/xhtml">'
        + "".join(paragraphs_or_html)
        + "</div>",
    }


def _p(text):
    return f"<p>{escape(str(text))}</p>"


def _patient(person):
    data = {
        "resourceType": "Patient",
        "name": [{"use": "official", "family": person.family_name, "given": [person.given_name]}],
        "birthDate": person.date_of_birth.isoformat(),
    }
    if person.nhs_number:
        data["identifier"] = [{"system": codes.NHS_NUMBER_SYSTEM, "value": person.nhs_number}]
    return data


def _organisation():
    return {"resourceType": "Organization", "name": settings.TUTTI_ORGANISATION_NAME}


def _practitioner(therapist):
    data = {"resourceType": "Practitioner", "name": [{"text": therapist.user.display_name}]}
    if therapist.hcpc_number:
        data["qualification"] = [
            {
                "identifier": [{"value": therapist.hcpc_number}],
                "code": {"text": "Music therapist registered with the HCPC"},
            }
        ]
    return data


def _episode_of_care(letter, *, urls, service_request_url):
    episode, sessions = letter.episode, letter.sessions
    return {
        "resourceType": "EpisodeOfCare",
        "extension": [
            {
                "url": codes.EPISODE_END_REASON_URL,
                "valueCodeableConcept": {
                    "coding": [
                        coding(
                            codes.EPISODE_END_REASON_SYSTEM,
                            episode.end_reason,
                            episode.get_end_reason_display(),
                        )
                    ]
                },
            },
            {
                "url": codes.EPISODE_OUTCOME_URL,
                "valueCodeableConcept": {
                    "coding": [
                        coding(
                            codes.EPISODE_OUTCOME_SYSTEM,
                            episode.outcome,
                            episode.get_outcome_display(),
                        )
                    ]
                },
            },
            {
                "url": codes.EPISODE_SESSIONS_URL,
                "extension": [
                    {"url": "planned", "valueUnsignedInt": sessions.planned},
                    {"url": "offered", "valueUnsignedInt": sessions.offered},
                    {"url": "attended", "valueUnsignedInt": sessions.attended},
                ],
            },
        ],
        "status": "finished",
        "type": [{"text": letter.programme.name}],
        "patient": {"reference": urls["patient"]},
        "managingOrganization": {"reference": urls["organisation"]},
        "period": {"start": episode.start_date.isoformat(), "end": episode.ended_on.isoformat()},
        "referralRequest": [
            {
                "reference": service_request_url,
                "identifier": {"system": codes.REFERRAL_SYSTEM, "value": letter.reference},
            }
        ],
    }


def _episode_text(letter):
    episode, sessions = letter.episode, letter.sessions
    therapists = ", ".join(str(t) for t in letter.therapists) or "Not recorded"
    parts = [
        _p(f"Programme: {letter.programme.name}"),
        _p(f"Therapist: {therapists}"),
        _p(f"Dates: {episode.start_date:%-d %B %Y} to {episode.ended_on:%-d %B %Y}"),
        _p(
            f"Sessions: {sessions.planned} planned, {sessions.offered} offered, "
            f"{sessions.attended} attended, {sessions.missed} missed, "
            f"{sessions.cancelled_by_person} cancelled by the person, "
            f"{sessions.cancelled_by_service} cancelled by the service"
        ),
        _p(f"Why it ended: {episode.get_end_reason_display()}"),
        _p(f"Goals: {episode.get_outcome_display()}"),
    ]
    if episode.goals:
        parts.append("<ol>" + "".join(f"<li>{escape(g)}</li>" for g in episode.goals) + "</ol>")
    return _div(*parts)


def _measures_text(letter):
    if not letter.measures:
        return _div(_p("No outcome measures were completed during this episode."))
    rows = []
    for result in letter.measures:
        if result.only_one:
            first = result.responses[0]
            rows.append(
                f"<tr><td>{escape(result.measure.name)}</td>"
                f"<td>{escape(first.get_occasion_display())}</td><td></td>"
                "<td>No later score to compare</td></tr>"
            )
        for change in result.changes:
            difference = f"{change.difference:+g} ({change.direction})"
            if change.reliable:
                difference += f", {change.reliable.lower()}"
            rows.append(
                f"<tr><td>{escape(change.name)}</td>"
                f"<td>{score_text(change.baseline)} ({change.baseline_on:%-d %b %Y})</td>"
                f"<td>{score_text(change.latest)} ({change.latest_on:%-d %b %Y})</td>"
                f"<td>{escape(difference)}</td></tr>"
            )
    return _div(
        "<table><thead><tr><th>Score</th><th>At the start</th><th>Latest</th>"
        "<th>Change</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
    )


def discharge_document(letter, *, base_url) -> dict:
    """The letter as a FHIR document Bundle (JSON-ready dict), validated."""
    referral, person, episode = letter.referral, letter.person, letter.episode
    urls = {
        "composition": urn("Composition", episode.pk),
        "patient": urn("Patient", person.pk),
        "organisation": urn("Organization", "service"),
        "episode": urn("EpisodeOfCare", episode.pk),
    }
    therapist_urls = [(urn("Practitioner", t.pk), t) for t in letter.therapists]
    service_request_url = f"{base_url}/ServiceRequest/{referral.reference}"
    patient_ref = {"reference": urls["patient"], "display": person.full_name}
    scores = []
    for result in letter.measures:
        latest = {c.latest_response_id: c for c in result.changes}
        for response in result.responses:
            resource = observation(
                response,
                referral=referral,
                change=None if result.measure.is_goal_based else latest.get(response.pk),
                subject=patient_ref,
            )
            if resource is not None:
                # In the document, the scores stand on their own: no server addresses.
                resource["basedOn"] = [{"reference": service_request_url}]
                del resource["id"], resource["derivedFrom"]
                scores.append((urn("Observation", response.pk), resource))
    measures_section = {
        "title": "Outcome measures",
        "text": _measures_text(letter),
    }
    if scores:
        measures_section["entry"] = [{"reference": url} for url, _ in scores]
    composition = {
        "resourceType": "Composition",
        "identifier": {"system": codes.DISCHARGE_LETTER_SYSTEM, "value": referral.reference},
        "status": "final",
        "type": {
            "coding": [coding(codes.LOINC, *codes.DISCHARGE_SUMMARY)],
            "text": "Discharge letter from music therapy",
        },
        "subject": patient_ref,
        "date": episode.ended_on.isoformat(),
        "author": [{"reference": urls["organisation"]}]
        + [{"reference": url, "display": str(t)} for url, t in therapist_urls],
        "title": "Discharge from music therapy",
        "custodian": {"reference": urls["organisation"]},
        "event": [
            {
                "code": [{"text": f"Music therapy: {letter.programme.name}"}],
                "period": {
                    "start": episode.start_date.isoformat(),
                    "end": episode.ended_on.isoformat(),
                },
                "detail": [{"reference": urls["episode"]}],
            }
        ],
        "section": [
            {
                "title": "Person",
                "text": _div(
                    _p(f"Name: {person.full_name}"),
                    _p(f"Date of birth: {person.date_of_birth:%-d %B %Y}"),
                    _p(f"NHS number: {nhs_number_text(person.nhs_number) or 'Not known'}"),
                ),
                "entry": [{"reference": urls["patient"]}],
            },
            {
                "title": "Music therapy",
                "text": _episode_text(letter),
                "entry": [{"reference": urls["episode"]}],
            },
            {
                "title": "Discharge summary",
                "text": _div(
                    *(_p(line) for line in episode.discharge_summary.splitlines() if line.strip())
                ),
            },
            measures_section,
        ],
    }
    episode_of_care = _episode_of_care(letter, urls=urls, service_request_url=service_request_url)
    if therapist_urls:
        episode_of_care["careManager"] = {"reference": therapist_urls[0][0]}
    entries = [
        (urls["composition"], composition),
        (urls["patient"], _patient(person)),
        (urls["organisation"], _organisation()),
        *((url, _practitioner(t)) for url, t in therapist_urls),
        (urls["episode"], episode_of_care),
        *scores,
    ]
    data = {
        "resourceType": "Bundle",
        "id": letter_id(referral),
        "meta": {"lastUpdated": instant(episode.updated_at)},
        "identifier": {"system": codes.DISCHARGE_LETTER_SYSTEM, "value": referral.reference},
        "type": "document",
        "timestamp": instant(episode.updated_at),
        "entry": [{"fullUrl": url, "resource": resource} for url, resource in entries],
    }
    return Bundle.model_validate(data).model_dump(mode="json", exclude_none=True)
