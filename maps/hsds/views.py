"""The HSDS 3.0 API (Open Referral), read only: public organisations and activities as
organizations, services, locations and services at locations, with our taxonomy.

One view per operation; the selectors decide what is public, the documents the shapes."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator

from django.http import StreamingHttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from . import documents, params, schema, selectors
from .taxonomy import ACTIVITY, ORGANISATION, TAXONOMIES, all_terms, taxonomies_by_id


class JsonOnly(DefaultContentNegotiation):
    """`format` is HSDS's own parameter here (json or ndjson), not DRF's renderer switch."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def _error(errors: dict[str, str]) -> Response:
    return Response(
        {
            "detail": _("Check the parameters: %(names)s.") % {"names": ", ".join(errors)},
            "errors": {name: [message] for name, message in errors.items()},
        },
        status=status.HTTP_400_BAD_REQUEST,
    )


def _not_found() -> Response:
    return Response({"detail": _("Not found.")}, status=status.HTTP_404_NOT_FOUND)


def _one_of_either(id: str, by_organisation, by_activity, render) -> Response:
    """The object with this id, which an organisation or an activity gives: 404 if none."""
    value = params.identifier(id)
    if value is None:
        return _not_found()
    if organisation := by_organisation(value):
        return Response(render(ORGANISATION, organisation))
    if activity := by_activity(value):
        return Response(render(ACTIVITY, activity))
    return _not_found()


def envelope(*, total: int, paging: params.Paging, contents: list) -> dict:
    total_pages = math.ceil(total / paging.per_page)
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": paging.page,
        "size": len(contents),
        "first_page": paging.page == 1,
        "last_page": paging.page >= total_pages,
        "empty": total == 0,
        "contents": contents,
    }


def ndjson(items) -> StreamingHttpResponse:
    lines = (json.dumps(item, ensure_ascii=False) + "\n" for item in items)
    return StreamingHttpResponse(lines, content_type="application/x-ndjson; charset=utf-8")


class HsdsApi(APIView):
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = JsonOnly

    def handle_exception(self, exc):
        if isinstance(exc, params.ParameterError):
            return _error(exc.errors)
        return super().handle_exception(exc)


class _ListApi(HsdsApi):
    """A list: a page in the HSDS envelope or, with format=ndjson, every item as a line.
    Subclasses say what is listed (`rows`, after checking their own parameters) and how a
    page of it or all of it becomes documents."""

    def rows(self, request):
        raise NotImplementedError

    def every(self, rows) -> Iterator[dict]:
        raise NotImplementedError

    def page(self, rows, paging: params.Paging) -> tuple[int, list[dict]]:
        raise NotImplementedError

    def get(self, request):
        paging = params.paging(request.query_params)
        rows = self.rows(request)
        if paging.ndjson:
            return ndjson(self.every(rows))
        total, contents = self.page(rows, paging)
        return Response(envelope(total=total, paging=paging, contents=contents))


class _PartsListApi(_ListApi):
    """A list over organisations and activities (selectors.Part), paged or as ndjson."""

    places = False

    def parts(self, filters: selectors.HsdsFilter) -> list[selectors.Part]:
        raise NotImplementedError

    def item(self, kind: str, row) -> dict:
        raise NotImplementedError

    def rows(self, request):
        return self.parts(params.hsds_filter(request.query_params, places=self.places))

    def every(self, rows):
        return (self.item(kind, row) for kind, row in selectors.every_row(rows))

    def page(self, rows, paging):
        total, page = selectors.page_of(rows, page=paging.page, per_page=paging.per_page)
        return total, [self.item(kind, row) for kind, row in page]


class HsdsRootApi(HsdsApi):
    @extend_schema(
        tags=schema.TAG,
        summary="HSDS: about this API",
        operation_id="getAPIMetaInformation",
        responses={
            200: {
                "type": "object",
                "required": ["version", "profile", "openapi_url", "publisher"],
                "properties": {
                    "version": {"type": "string", "enum": [documents.HSDS_VERSION]},
                    "profile": {"type": "string", "format": "uri"},
                    "openapi_url": {"type": "string", "format": "uri"},
                    "publisher": {
                        "type": "object",
                        "properties": {
                            "name": {"type": "string"},
                            "url": {"type": "string", "format": "uri"},
                        },
                    },
                },
            }
        },
    )
    def get(self, request):
        return Response(documents.api_root())


@extend_schema_view(
    get=extend_schema(
        tags=schema.TAG,
        summary="HSDS: services",
        operation_id="getPaginatedListOfServices",
        description="Each public organisation's general offer, then each public activity "
        "(not cancelled), with their one-to-one fields.",
        parameters=[*schema.FILTERS, *schema.PAGING],
        responses=schema.list_responses("compiled/service_list.json"),
    )
)
class ServiceListApi(_PartsListApi):
    def parts(self, filters):
        return [
            selectors.Part(ORGANISATION, selectors.organisation_services(filters)),
            selectors.Part(ACTIVITY, selectors.activity_services(filters)),
        ]

    def item(self, kind, row):
        return documents.service_list_item(kind, row)


class ServiceDetailApi(HsdsApi):
    @extend_schema(
        tags=schema.TAG,
        summary="HSDS: one service",
        operation_id="getFullyNestedServiceById",
        responses=schema.detail_responses("compiled/service.json"),
    )
    def get(self, request, id):
        return _one_of_either(
            id,
            selectors.organisation_by_service_uuid,
            selectors.activity_by_uuid,
            documents.service_full,
        )


@extend_schema_view(
    get=extend_schema(
        tags=schema.TAG,
        summary="HSDS: services at locations",
        operation_id="getPaginatedListOfServiceAtLocation",
        description="Each public organisation's general offer at its place, then each "
        "public activity at its place (the organisation's, another address, or online). "
        "With postcode and proximity: within that many metres of the postcode's centre, "
        "nearest first.",
        parameters=[*schema.FILTERS, *schema.PLACES, *schema.PAGING],
        responses=schema.list_responses("compiled/service_at_location_list.json"),
    )
)
class ServiceAtLocationListApi(_PartsListApi):
    places = True

    def parts(self, filters):
        return [
            selectors.Part(ORGANISATION, selectors.organisation_services_at_locations(filters)),
            selectors.Part(ACTIVITY, selectors.activity_services_at_locations(filters)),
        ]

    def item(self, kind, row):
        return documents.service_at_location_list_item(kind, row)


class ServiceAtLocationDetailApi(HsdsApi):
    @extend_schema(
        tags=schema.TAG,
        summary="HSDS: one service at a location",
        operation_id="getServiceAtLocationWithNestedDataById",
        responses=schema.detail_responses("compiled/service_at_location.json"),
    )
    def get(self, request, id):
        return _one_of_either(
            id,
            selectors.organisation_by_service_at_location_uuid,
            selectors.activity_by_service_at_location_uuid,
            documents.service_at_location_full,
        )


@extend_schema_view(
    get=extend_schema(
        tags=schema.TAG,
        summary="HSDS: organizations",
        operation_id="getPaginatedListOfOrganizations",
        parameters=[schema.FILTERS[0], *schema.FILTERS[1:3], schema.FILTERS[4], *schema.PAGING],
        responses=schema.list_responses("compiled/organization_list.json"),
    )
)
class OrganizationListApi(_PartsListApi):
    def parts(self, filters):
        return [selectors.Part(ORGANISATION, selectors.organisations(filters))]

    def item(self, kind, row):
        return documents.organisation_basic(row)


class OrganizationDetailApi(HsdsApi):
    @extend_schema(
        tags=schema.TAG,
        summary="HSDS: one organization, with its services and locations",
        operation_id="getOrganizationById",
        parameters=[schema.FULL_SERVICE],
        responses=schema.detail_responses("compiled/organization.json", bad_parameters=True),
    )
    def get(self, request, id):
        full_service = params.full_service(request.query_params)
        value = params.identifier(id)
        organisation = selectors.organisation_by_uuid(value) if value else None
        if organisation is None:
            return _not_found()
        activities = selectors.organisation_activities(organisation)
        return Response(
            documents.organisation_full(organisation, activities, full_service=full_service)
        )


class _ListOfDocumentsApi(_ListApi):
    """A list held in memory (our taxonomy), paged or as ndjson."""

    def documents(self, request) -> list[dict]:
        raise NotImplementedError

    def rows(self, request):
        return self.documents(request)

    def every(self, rows):
        return iter(rows)

    def page(self, rows, paging):
        start = (paging.page - 1) * paging.per_page
        return len(rows), rows[start : start + paging.per_page]


def _matches(search: str, *texts) -> bool:
    return not search or any(search.casefold() in str(text).casefold() for text in texts)


def _search(request) -> str:
    search = request.query_params.get("search", "").strip()
    if len(search) > params.MAX_SEARCH:
        raise params.ParameterError(
            {"search": _("search is at most %(max)d characters.") % {"max": params.MAX_SEARCH}}
        )
    return search


@extend_schema_view(
    get=extend_schema(
        tags=schema.TAG,
        summary="HSDS: our taxonomies",
        operation_id="getPaginatedListOfTaxonomies",
        parameters=[schema.SEARCH, *schema.PAGING],
        responses=schema.list_responses("taxonomy.json"),
    )
)
class TaxonomyListApi(_ListOfDocumentsApi):
    def documents(self, request):
        search = _search(request)
        return [
            documents.taxonomy_document(taxonomy)
            for taxonomy in TAXONOMIES
            if _matches(search, taxonomy.name, taxonomy.description)
        ]


class TaxonomyDetailApi(HsdsApi):
    @extend_schema(
        tags=schema.TAG,
        summary="HSDS: one taxonomy",
        operation_id="getTaxonomyById",
        responses=schema.detail_responses("taxonomy.json"),
    )
    def get(self, request, id):
        value = params.identifier(id)
        taxonomy = taxonomies_by_id().get(value) if value else None
        if taxonomy is None:
            return _not_found()
        return Response(documents.taxonomy_document(taxonomy))


@extend_schema_view(
    get=extend_schema(
        tags=schema.TAG,
        summary="HSDS: the terms of our taxonomies",
        operation_id="getPaginatedListOfTaxonomyTerms",
        description="Organisation kinds, activity categories, network-strengthening models, "
        "accessibility, cost, welcome, age groups, audiences and languages; names in the "
        "language asked for (Accept-Language).",
        parameters=[schema.SEARCH, schema.TAXONOMY_ID, *schema.TERMS, *schema.PAGING],
        responses=schema.list_responses("taxonomy_term.json"),
    )
)
class TaxonomyTermListApi(_ListOfDocumentsApi):
    def documents(self, request):
        search = _search(request)
        query = request.query_params
        errors: dict[str, str] = {}
        taxonomy_id = (
            params.identifier(query.get("taxonomy_id", "")) if query.get("taxonomy_id") else None
        )
        if query.get("taxonomy_id") and taxonomy_id is None:
            errors["taxonomy_id"] = _("%(name)s must be a UUID.") % {"name": "taxonomy_id"}
        if query.get("parent_id") and params.identifier(query["parent_id"]) is None:
            errors["parent_id"] = _("%(name)s must be a UUID.") % {"name": "parent_id"}
        if errors:
            raise params.ParameterError(errors)
        if query.get("parent_id"):
            return []  # our terms have no parents
        return [
            documents.term_document(term)
            for term in all_terms()
            if (taxonomy_id is None or term.taxonomy.id == taxonomy_id)
            and _matches(search, term.name, term.code)
        ]


class TaxonomyTermDetailApi(HsdsApi):
    @extend_schema(
        tags=schema.TAG,
        summary="HSDS: one taxonomy term",
        operation_id="getTaxonomyTermById",
        responses=schema.detail_responses("taxonomy_term.json"),
    )
    def get(self, request, id):
        value = params.identifier(id)
        term = next((term for term in all_terms() if term.id == value), None)
        if term is None:
            return _not_found()
        return Response(documents.term_document(term))
