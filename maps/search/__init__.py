"""Search near a place ("what is there near this address?") for the page, print view and API.

forms.py         the one parameter parser (SearchForm, parse_search -> SearchParams)
service.py       find the place, query every kind, merge by distance, suggest alternatives

What each kind of result is and how it filters lives below, in buurt.search (SearchSource,
SearchParams, the registry); the apps register their kinds there.
"""
