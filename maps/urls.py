from django.urls import path

from . import embed, views

app_name = "maps"

urlpatterns = [
    path("", views.city_map, name="city"),
    path("zoeken/", views.search, name="search"),
    path("zoeken/afdrukken/", views.search_print, name="search-print"),
    # For other sites' <iframe>s: the only pages that may be framed (maps/embed.py).
    path("embed/kaart/", embed.embed_map, name="embed-map"),
    path("embed/agenda/", embed.embed_agenda, name="embed-agenda"),
]
