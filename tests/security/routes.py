"""The partner API's routes, read from the URLconf: a route added later is tested too."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import URLPattern, get_resolver
from django.urls.converters import IntConverter

# Every method a client can send; a view that does not serve one answers 405.
METHODS = ("get", "head", "options", "post", "put", "patch", "delete")
SAMPLE_SLUG = "lifecycle-one-stop-service"


@dataclass(frozen=True)
class Route:
    name: str
    path: str  # with {id} etc. for its parameters, e.g. /api/v1/enterprises/{id}/matches/
    int_params: tuple[str, ...]
    other_params: tuple[str, ...]
    view: type

    def url(self, **values: object) -> str:
        # A slug parameter names a measure every enterprise has a result for (a measure of
        # every district and age, so that another partner's enterprise has a record too).
        return self.path.format(**{**dict.fromkeys(self.other_params, SAMPLE_SLUG), **values})


def api_routes() -> list[Route]:
    """Every named route of /api/v1/."""
    _prefix, v1 = get_resolver().namespace_dict["v1"]
    routes = []
    for pattern in v1.url_patterns:
        if not isinstance(pattern, URLPattern) or not pattern.name:
            continue
        route = str(pattern.pattern)  # "enterprises/<int:id>/matches/"
        converters = getattr(pattern.pattern, "converters", {})
        path = route
        for name, converter in converters.items():
            kind = "int" if isinstance(converter, IntConverter) else "slug"
            path = path.replace(f"<{kind}:{name}>", f"{{{name}}}")
        ints = tuple(n for n, c in converters.items() if isinstance(c, IntConverter))
        others = tuple(n for n in converters if n not in ints)
        view = pattern.callback.view_class
        routes.append(Route(pattern.name, f"/api/v1/{path}", ints, others, view))
    return routes


def enterprise_routes() -> list[Route]:
    """The routes that take an id: every one of them reaches a stored enterprise."""
    return [route for route in api_routes() if route.int_params]


def declared_filters(view: type) -> list[str]:
    """The query parameters the view's FilterSet, or its filterset_fields, understand."""
    filterset = getattr(view, "filterset_class", None)
    if filterset is not None:
        return sorted(filterset.base_filters)
    return sorted(getattr(view, "filterset_fields", None) or [])
