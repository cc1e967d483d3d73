"""The resources of an incoming referral and where each sits, so that every problem can be
named by its element, and the references between them resolved."""

from dataclasses import dataclass, field


@dataclass
class Place:
    """A resource and where it sits: as its own type ('Patient') and in the request
    ('Bundle.entry[0].resource'), so an issue can be found either way."""

    resource: object
    roots: tuple[str, ...]
    container: "Place | None" = None  # for a contained resource: where '#id' is looked up

    @property
    def type(self):
        return self.resource.get_resource_type()

    def at(self, suffix=""):
        return tuple(root + suffix for root in self.roots)


@dataclass
class Incoming:
    """A referral read from FHIR, as intake's arguments, with where each came from."""

    person: dict = field(default_factory=dict)
    fields: dict = field(default_factory=dict)
    programme_code: str | None = None
    referrer_ods_code: str = ""
    paths: dict = field(default_factory=dict)  # intake's field name -> FHIRPath expressions
    default_path: tuple = ()
    entry_types: list = field(default_factory=list)  # the Bundle's entries, in order
    # What FHIR itself shows is wrong before intake looks: (intake's field name, message).
    problems: list = field(default_factory=list)

    def where(self, field_name):
        """Where intake's field came from; a person's field not sent at all is the Patient."""
        if field_name in self.paths:
            return self.paths[field_name]
        if field_name.startswith("person.") and "person" in self.paths:
            return self.paths["person"]
        return self.default_path


class Resolver:
    """Finds the resource a Reference points to: in the Bundle (by fullUrl or Type/id) or
    contained in the resource that holds the reference ('#id')."""

    def __init__(self, places=()):
        self.places = list(places)
        self.by_url = {}
        for place, full_url in self.places:
            if full_url:
                self.by_url[full_url] = place
            if place.resource.id:
                self.by_url.setdefault(f"{place.type}/{place.resource.id}", place)

    def resolve(self, reference, holder: Place):
        target = (reference.reference or "").strip() if reference else ""
        if not target:
            return None
        if target.startswith("#"):
            container = holder.container or holder
            for index, resource in enumerate(container.resource.contained or []):
                if resource.id == target[1:]:
                    return _contained(resource, index, container)
            return None
        if target in self.by_url:
            return self.by_url[target]
        tail = "/".join(target.rstrip("/").split("/")[-2:])  # an absolute URL's Type/id
        return self.by_url.get(tail)

    def of_type(self, resource_type, holder: Place):
        found = [place for place, _ in self.places if place.type == resource_type]
        for index, resource in enumerate(holder.resource.contained or []):
            if resource.get_resource_type() == resource_type:
                found.append(_contained(resource, index, holder))
        return found


def _contained(resource, index, container: Place) -> Place:
    roots = tuple(f"{root}.contained[{index}]" for root in container.roots[-1:])
    return Place(resource, (resource.get_resource_type(),) + roots, container=container)
