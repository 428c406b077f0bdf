"""What the map search can find, kind by kind: the parts every search source shares.

registry.py      SearchSource, SearchResult and the registry of kinds of results; each app
                 registers its own source in its AppConfig.ready()
params.py        SearchParams (a validated search) and the values its filters take
organisations.py associations and services as a kind of result (registered by buurt)

The search across kinds, its form and its pages are the maps app's (maps.search).
"""
