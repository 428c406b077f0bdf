"""The map's vector tiles: GET /api/tiles/<z>/<x>/<y>.mvt with the search's filters."""

from __future__ import annotations

import re

from django.conf import settings
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_vary_headers
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings

from core.throttling import TileRateThrottle
from maps import tiles
from maps.search.forms import SearchParamsError, parse_search
from spatial import tiles as spatial_tiles

from .schema import SEARCH_RULES, rules_text, search_parameters
from .search import _params_error, _SearchApiView
from .serializers import ErrorSerializer, NotFoundSerializer

# A tile has no location: these search parameters are left out (and ignored if given).
# The search's rules that concern the place (a tile has none): the others hold for tiles too.
LOCATION_RULE = re.compile(r"`lat`|radius|address|house number|other characters")
LOCATION_PARAMETERS = ("address", "lat", "lon", "radius", "radius_km", "page", "page_size")


class MVTRenderer(BaseRenderer):
    """Lets a client that accepts only tiles through content negotiation; the view answers
    tiles as bytes itself, and errors in JSON (TilesApi.finalize_response)."""

    media_type = spatial_tiles.MEDIA_TYPE
    format = "mvt"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else JSONRenderer().render(data)


def tile_language(request) -> str:
    """The language of the tile's texts from Accept-Language alone (what `Vary` names), not
    from the language cookie: a shared cache keys tiles by the header only."""
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    for code in (part.split(";")[0].strip() for part in header.split(",")):
        if code and code != "*":
            try:
                return translation.get_supported_language_variant(code)
            except LookupError:
                continue
    return settings.LANGUAGE_CODE


class TilesApi(_SearchApiView):
    """The search's results as Mapbox Vector Tiles, clustered below zoom 17."""

    # The same tile for everyone: no session, no cookie, no CSRF, so that a reverse proxy
    # may keep it (Cache-Control: public).
    authentication_classes: list = []
    throttle_classes = [TileRateThrottle]
    renderer_classes = [JSONRenderer, MVTRenderer]

    def schema_parameters(self):
        tile = [
            OpenApiParameter(
                name,
                {"type": "integer", "minimum": 0, "maximum": top},
                OpenApiParameter.PATH,
                description=text,
            )
            for name, top, text in (
                ("z", spatial_tiles.MAX_ZOOM, "Zoom, 0 to 20."),
                ("x", 2**spatial_tiles.MAX_ZOOM - 1, "Column, 0 to 2^z - 1, from the west."),
                ("y", 2**spatial_tiles.MAX_ZOOM - 1, "Row, 0 to 2^z - 1, from the north (XYZ)."),
            )
        ]
        filters = [
            p for p in search_parameters(include_paging=False) if p.name not in LOCATION_PARAMETERS
        ]
        return [*tile, *filters]

    schema_description = (
        "A Mapbox Vector Tile (XYZ scheme, Web Mercator, extent 4096) with one layer, "
        "`places`: the search's results that pass the filters (no location, no distances). "
        f"Below zoom {spatial_tiles.CLUSTER_BELOW_ZOOM} places are grouped per cell of "
        f"{spatial_tiles.CLUSTER_CELL_PX} px (of a 256 px tile): a cell of one place gives the "
        "place (`id` as `<kind>-<number>`, `title`, `url`, `category`, `kind`), a cell of more "
        "a cluster (`count`, and `kind` when all are of one kind) at the mean of its points. "
        "Neighbours who help are at their public, coarsened point. 204 when the tile is empty. "
        "Cacheable: `ETag` (If-None-Match gives 304), `Cache-Control: public`, "
        "`Vary: Accept-Language` (titles of neighbours are translated)."
        + rules_text([rule for rule in SEARCH_RULES if not LOCATION_RULE.search(rule[0])])
    )

    def parse(self, request):
        query = request.query_params.copy()
        for name in LOCATION_PARAMETERS:
            query.pop(name, None)
        return parse_search(query, allowed_extra=(api_settings.URL_FORMAT_OVERRIDE,))

    def finalize_response(self, request, response, *args, **kwargs):
        if isinstance(response, Response):  # an error: JSON, whatever the client accepts
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    @extend_schema(
        operation_id="tiles",
        responses={
            (200, spatial_tiles.MEDIA_TYPE): OpenApiTypes.BINARY,
            204: OpenApiResponse(description="Nothing in this tile."),
            304: OpenApiResponse(description="Not modified (If-None-Match)."),
            (400, "application/json"): OpenApiResponse(
                ErrorSerializer, description="A filter that cannot be used; see errors."
            ),
            (404, "application/json"): OpenApiResponse(
                NotFoundSerializer, description="No such tile (z 0 to 20, x and y below 2^z)."
            ),
        },
    )
    def get(self, request, z: int, x: int, y: int):
        try:
            tile = spatial_tiles.Tile(z, x, y)
        except spatial_tiles.TileError as exc:
            raise NotFound(str(exc)) from exc
        language = tile_language(request)
        with translation.override(language):
            try:
                params = self.parse(request)
            except SearchParamsError as exc:
                return _params_error(exc)
            # The version before the places: a change in between is in the next ETag.
            token, changed_at = tiles.data_version()
            etag = tiles.tile_etag(token=token, language=language)
            response = get_conditional_response(request, etag=etag)
            if response is None:
                body = tiles.tile_mvt(params, tile, changed_at=changed_at)
                response = HttpResponse(
                    body, content_type=spatial_tiles.MEDIA_TYPE, status=200 if body else 204
                )
        response["ETag"] = etag
        response["Cache-Control"] = f"public, max-age={settings.TILES_MAX_AGE}"
        response["Content-Language"] = language
        patch_vary_headers(response, ("Accept-Language",))
        return response
