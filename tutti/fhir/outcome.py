"""OperationOutcome: how the FHIR API says what went wrong, naming the element at fault."""

from dataclasses import dataclass, field

from fhir.resources.R4B.operationoutcome import OperationOutcome


@dataclass(frozen=True)
class Issue:
    message: str
    code: str = "invalid"  # an IssueType code: invalid, required, value, business-rule…
    expression: tuple[str, ...] = ()
    severity: str = "error"


@dataclass
class FhirError(Exception):
    """Stop and answer with an OperationOutcome of these issues and this HTTP status."""

    status: int
    issues: list[Issue] = field(default_factory=list)
    headers: dict = field(default_factory=dict)

    @classmethod
    def one(cls, status, message, *, code="invalid", expression=(), headers=None):
        return cls(status, [Issue(message, code, tuple(expression))], headers or {})


def operation_outcome(issues) -> dict:
    data = {
        "resourceType": "OperationOutcome",
        "issue": [
            {
                "severity": issue.severity,
                "code": issue.code,
                "diagnostics": issue.message,
                **({"expression": list(issue.expression)} if issue.expression else {}),
            }
            for issue in issues
        ],
    }
    return OperationOutcome.model_validate(data).model_dump(mode="json", exclude_none=True)


def fhir_path(root: str, loc) -> str:
    """A pydantic error location as a FHIRPath: ('identifier', 0, 'value') under 'Patient'
    is 'Patient.identifier[0].value'."""
    path = root
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += "." + str(part).removesuffix("__ext")
    return path
