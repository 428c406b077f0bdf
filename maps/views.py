from django.shortcuts import render

from buurt import selectors

from . import rendering


def city_map(request):
    neighbourhoods = selectors.neighbourhoods_with_counts()
    organisations = selectors.organisations_on_map()
    return render(
        request,
        "maps/city.html",
        {
            "map": rendering.city_map(neighbourhoods, organisations),
            "neighbourhoods": neighbourhoods,
        },
    )
