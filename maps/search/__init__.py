"""Search near a place ("what is there near this address?") for the page, print view and API.

params.py        the one parameter parser (SearchForm, SearchParams, parse_search)
registry.py      SearchSource, SearchResult and the registry of kinds of results
organisations.py associations and services as a kind of result
service.py       find the place, query every kind, merge by distance, suggest alternatives
"""
