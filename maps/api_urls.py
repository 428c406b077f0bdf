from django.urls import path

from .api.search import SearchApi, SearchBBoxApi

app_name = "maps-api"

urlpatterns = [
    path("search/", SearchApi.as_view(), name="search"),
    path("search/bbox/", SearchBBoxApi.as_view(), name="search-bbox"),
]
