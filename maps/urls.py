from django.urls import path

from . import views

app_name = "maps"

urlpatterns = [
    path("", views.city_map, name="city"),
    path("zoeken/", views.search, name="search"),
    path("zoeken/afdrukken/", views.search_print, name="search-print"),
]
