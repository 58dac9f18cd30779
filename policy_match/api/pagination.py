"""Pagination of every partner-API list (settings: DEFAULT_PAGINATION_CLASS)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import exceptions, pagination
from rest_framework.request import Request


class PageNumberPagination(pagination.PageNumberPagination):
    """?page=N, and ?page_size=N up to 200 (default settings PAGE_SIZE)."""

    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request: Request) -> int | None:
        # DRF ignores a bad page_size silently; a partner should hear that it was wrong.
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None and not (raw.isdigit() and 0 < int(raw) <= self.max_page_size):
            raise exceptions.ValidationError(
                {"page_size": _("应为 1 到 %(max)s 之间的整数") % {"max": self.max_page_size}}
            )
        return super().get_page_size(request)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
            if parameter["name"] == self.page_query_param:
                # Bounded so that no schema-valid URL outgrows a server's request line.
                parameter["schema"].update(minimum=1, maximum=2**31 - 1)
        return parameters
