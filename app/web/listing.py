"""The list mechanism in the web layer: the query string parsed against a ListSpec, and the links a
list page needs (sort headers, pager, page size), all keeping the whole state in the URL.

Templates use the macros of templates/_listing.html with a ListView built here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from app.i18n import _
from app.services.listing import ListPage, ListQuery, ListSpec, parse

PER_PAGE_CHOICES = (20, 50, 100, 200)


def raw_query(request_query: Any) -> dict[str, list[str]]:
    """Litestar's query MultiDict (or a plain mapping) as name -> list of values."""
    if hasattr(request_query, "getall"):
        return {key: [str(v) for v in request_query.getall(key)] for key in request_query}
    return {
        key: [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]
        for key, value in dict(request_query).items()
    }


def parse_query(request_query: Any, spec: ListSpec) -> ListQuery:
    """The request's list state, validated: a bad parameter is a 400 naming it (BadListQuery)."""
    return parse(raw_query(request_query), spec)


def href(path: str, params: list[tuple[str, str]]) -> str:
    return f"{path}?{urlencode(params)}" if params else path


@dataclass(frozen=True)
class PageLink:
    label: str
    href: str | None  # None: not a link (the current page, or a gap)
    current: bool = False
    rel: str | None = None


@dataclass
class ListView:
    """Links for one rendered page of a list at `path`."""

    page: ListPage
    path: str
    base_params: list[tuple[str, str]] = field(default_factory=list)  # e.g. the session of the routing review

    @property
    def query(self) -> ListQuery:
        return self.page.query

    @property
    def total(self) -> int:
        return self.page.total

    def url(self, **changes: Any) -> str:
        return href(self.path, [*self.base_params, *self.query.params(**changes)])

    def filter_url(self, **changes: Any) -> str:
        """This list with other filters, back on page 1 (sort and page size kept)."""
        return href(self.path, [*self.base_params, *self.query.params(page=None, **changes)])

    def hidden_fields(self, *, keep_filters: bool = False) -> list[tuple[str, str]]:
        """What a filter form must carry besides its own fields: sort, direction, page size."""
        if keep_filters:
            return [*self.base_params, *self.query.params(page=None)]
        kept = [(k, v) for k, v in self.query.params(page=None) if k in ("sort", "dir", "per_page")]
        return [*self.base_params, *kept]

    def filter_params(self) -> list[tuple[str, str]]:
        return self.query.filter_params()

    def sort_header(self, key: str) -> dict[str, Any]:
        """href (toggles the direction when already sorted by key), aria-sort and an arrow."""
        active = self.query.sort == key
        direction = self.query.direction
        if active:
            next_direction = "desc" if direction == "asc" else "asc"
        else:
            next_direction = "asc"
        return {
            "href": self.url(sort=key, dir=next_direction, page=None),
            "active": active,
            "aria": ("ascending" if direction == "asc" else "descending") if active else "none",
            "arrow": ("▲" if direction == "asc" else "▼") if active else "",
            "title": _("Sort descending") if next_direction == "desc" else _("Sort ascending"),
        }

    def page_links(self, around: int = 2) -> list[PageLink]:
        current, last = self.page.page, self.page.pages
        links: list[PageLink] = []
        links.append(PageLink(_("First"), self.url(page=1) if current > 1 else None, rel="first"))
        links.append(PageLink(_("Previous"), self.url(page=current - 1) if current > 1 else None, rel="prev"))
        numbers = sorted({1, last, *range(max(1, current - around), min(last, current + around) + 1)})
        previous = 0
        for number in numbers:
            if number - previous > 1:
                links.append(PageLink("…", None))
            links.append(PageLink(str(number), None if number == current else self.url(page=number), number == current))
            previous = number
        links.append(PageLink(_("Next"), self.url(page=current + 1) if current < last else None, rel="next"))
        links.append(PageLink(_("Last"), self.url(page=last) if current < last else None, rel="last"))
        return links

    def per_page_links(self) -> list[PageLink]:
        return [
            PageLink(
                str(n), None if n == self.page.per_page else self.url(per_page=n, page=None), n == self.page.per_page
            )
            for n in PER_PAGE_CHOICES
            if n <= self.query.spec.max_per_page
        ]


def view(page: ListPage, path: str, base_params: list[tuple[str, str]] | None = None) -> ListView:
    return ListView(page, path, list(base_params or []))
