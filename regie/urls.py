from django.urls import path

from . import views

app_name = "regie"

urlpatterns = [
    path("regie/", views.page, name="page"),
    path("regie/export.csv", views.export_csv, name="export-csv"),
    path("regie/export.gpkg", views.export_gpkg, name="export-gpkg"),
    path("regie/export.geojson", views.export_geojson, name="export-geojson"),
]
