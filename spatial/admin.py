"""The admin base for models with a geometry: the project's filter policy and a map widget that
loads nothing from a third party (spatial.widgets.LocalOSMWidget)."""

from django.contrib.gis.admin import GISModelAdmin

from core.admin import ListedFiltersOnly

from .widgets import LocalOSMWidget


class GeoModelAdmin(ListedFiltersOnly, GISModelAdmin):
    gis_widget = LocalOSMWidget
