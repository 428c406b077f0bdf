from django.urls import path

from .api.search import SearchApi, SearchBBoxApi
from .api.tiles import TilesApi

app_name = "maps-api"

urlpatterns = [
    path("search/", SearchApi.as_view(), name="search"),
    path("search/bbox/", SearchBBoxApi.as_view(), name="search-bbox"),
    path("tiles/<int:z>/<int:x>/<int:y>.mvt", TilesApi.as_view(), name="tiles"),
]
