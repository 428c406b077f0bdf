from django.urls import path

from . import views

app_name = "hsds"

urlpatterns = [
    path("", views.HsdsRootApi.as_view(), name="root"),
    path("services", views.ServiceListApi.as_view(), name="service-list"),
    path("services/<str:id>", views.ServiceDetailApi.as_view(), name="service-detail"),
    path("organizations", views.OrganizationListApi.as_view(), name="organization-list"),
    path(
        "organizations/<str:id>",
        views.OrganizationDetailApi.as_view(),
        name="organization-detail",
    ),
    path(
        "service_at_locations",
        views.ServiceAtLocationListApi.as_view(),
        name="service-at-location-list",
    ),
    path(
        "service_at_locations/<str:id>",
        views.ServiceAtLocationDetailApi.as_view(),
        name="service-at-location-detail",
    ),
    path("taxonomies", views.TaxonomyListApi.as_view(), name="taxonomy-list"),
    path("taxonomies/<str:id>", views.TaxonomyDetailApi.as_view(), name="taxonomy-detail"),
    path("taxonomy_terms", views.TaxonomyTermListApi.as_view(), name="taxonomy-term-list"),
    path(
        "taxonomy_terms/<str:id>",
        views.TaxonomyTermDetailApi.as_view(),
        name="taxonomy-term-detail",
    ),
]
