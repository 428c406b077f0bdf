from django.urls import path

from . import api

app_name = "maps-api"

urlpatterns = [
    path("search/", api.SearchApi.as_view(), name="search"),
    path("search/bbox/", api.SearchBBoxApi.as_view(), name="search-bbox"),
]
