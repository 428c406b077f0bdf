"""The admin's filter policy, shared by every ModelAdmin of the project.

Django's admin accepts a changelist URL filter on any local field (`?note__contains=a`), also
on fields the admin never shows. A staff account with only view permission can then bisect a
hidden value one character or one polygon at a time: a helper's exact home
(`private_point__intersects`), a client's pseudonym, a renewal token, a password hash. So a
changelist filters only on what its own list filters and date hierarchy offer.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin import SimpleListFilter
from django.db.models.constants import LOOKUP_SEP

# What Django's own list filters and date hierarchy put after a field's path in a URL
# (`status__exact`, `verified_at__isnull`, `neighbourhood__id__exact`, `at__year`).
FILTER_SUFFIXES = frozenset(
    {"exact", "iexact", "isnull", "isempty", "in", "gt", "gte", "lt", "lte", "year", "month"}
    | {"day", "id", "pk"}
)


class ListedFiltersOnly:
    """Mix into a ModelAdmin: URL lookups only on the paths of its list filters and date
    hierarchy, each followed by nothing but the suffixes those filters use."""

    def lookup_allowed(self, lookup, value, request=None):
        parts = lookup.split(LOOKUP_SEP)
        offered = any(
            parts[: len(path)] == path and set(parts[len(path) :]) <= FILTER_SUFFIXES
            for path in self._filter_paths(request)
        )
        return offered and super().lookup_allowed(lookup, value, request)

    def _filter_paths(self, request) -> list[list[str]]:
        names = [self.date_hierarchy] if self.date_hierarchy else []
        for item in self.get_list_filter(request):
            if isinstance(item, str):
                names.append(item)
            elif isinstance(item, tuple | list):
                names.append(item[0])
            elif isinstance(item, type) and issubclass(item, SimpleListFilter):
                names.append(item.parameter_name)
        return [name.split(LOOKUP_SEP) for name in names]


class ModelAdmin(ListedFiltersOnly, admin.ModelAdmin):
    pass
