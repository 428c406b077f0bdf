from django.shortcuts import render

from buurt import selectors

from . import rendering


def city_map(request):
    neighbourhoods = selectors.neighbourhoods_with_counts()
    organisations = selectors.organisations_on_map()
    # Rendering evaluates both querysets once; the template's list reuses the neighbourhoods.
    city = rendering.city_map(neighbourhoods, organisations)
    return render(
        request,
        "maps/city.html",
        {
            "map": city,
            "neighbourhoods": neighbourhoods,
            "has_approximate": any(n.is_approximate for n in neighbourhoods),
        },
    )
