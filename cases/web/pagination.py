"""Pagination, one way for pages and one for the API.

Pages: `paginate(request, items, per_page=...)` gives the page (a bad or too-large page number shows the
first or last page, never an error) and the links the GOV.UK pagination include needs, with the other
query parameters kept. API: `PagePagination` answers a page that does not exist with 400 and a reason
(DRF's default is a bare 404, which here would read as "no such person").
"""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination


@dataclass(frozen=True)
class PageLink:
    number: int | None  # None: an ellipsis
    href: str = ""
    current: bool = False


@dataclass(frozen=True)
class Pagination:
    page: Page
    links: list[PageLink]
    previous_href: str
    next_href: str

    @property
    def shown(self) -> bool:
        return self.page.has_other_pages()


def _href(request: HttpRequest, param: str, number: int) -> str:
    query = request.GET.copy()
    query[param] = str(number)
    return f"?{query.urlencode()}"


def paginate(request: HttpRequest, items, *, per_page: int, param: str = "page") -> Pagination:
    """One page of `items` (the number from the query parameter `param`), with the links to the others."""
    page = Paginator(items, per_page).get_page(request.GET.get(param))
    links = [
        PageLink(n, _href(request, param, n), n == page.number) if isinstance(n, int) else PageLink(None)
        for n in page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
    ]
    return Pagination(
        page=page,
        links=links,
        previous_href=_href(request, param, page.previous_page_number()) if page.has_previous() else "",
        next_href=_href(request, param, page.next_page_number()) if page.has_next() else "",
    )


class PagePagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_schema_operation_parameters(self, view):
        """The page's bounds in the schema: a page from 1 (one past the last is a 400 with the reason), and a size
        from 1 to max_page_size (a larger one is cut to it, anything else is the default size)."""
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
                parameter["description"] = "A page number, from 1; a page past the last is a 400."
            elif parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_page_size}
                parameter["description"] = f"Results per page (default {self.page_size}, at most {self.max_page_size})."
        return parameters

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view=view)
        except NotFound as exc:
            raise ValidationError({self.page_query_param: [str(exc.detail)]}) from None
