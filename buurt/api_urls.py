from django.urls import path

from . import api

app_name = "buurt-api"

urlpatterns = [
    path(
        "addresses/autocomplete/",
        api.AddressAutocompleteApi.as_view(),
        name="address-autocomplete",
    ),
    path("addresses/geocode/", api.AddressGeocodeApi.as_view(), name="address-geocode"),
    path("addresses/reverse/", api.AddressReverseApi.as_view(), name="address-reverse"),
]
