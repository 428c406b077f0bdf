from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


def _repair_spatial_indexes(sender, using, **kwargs):
    """After migrate (and flush), per app: SpatiaLite indexes that a table remake disabled."""
    from django.contrib.gis.db.models import GeometryField
    from django.db import connections

    import spatial

    columns = [
        (model._meta.db_table, field.column)
        for model in sender.get_models()
        for field in model._meta.local_fields
        if isinstance(field, GeometryField) and field.spatial_index
    ]
    if columns:
        spatial.spatialite_repair_indexes(connections[using], columns)


class MapsConfig(AppConfig):
    name = "maps"
    verbose_name = _("Maps")

    def ready(self):
        post_migrate.connect(_repair_spatial_indexes, dispatch_uid="maps.repair_spatial_indexes")
        # The map tiles' ETag changes with the listings (maps.tiles).
        from . import tiles

        for name, signal in (("save", post_save), ("delete", post_delete), ("m2m", m2m_changed)):
            signal.connect(tiles.listing_changed, dispatch_uid=f"maps.tiles.{name}")
