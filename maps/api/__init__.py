"""JSON API of the search: results near a place, and the same results in a map's box.

Both answer GeoJSON (RFC 7946: longitude before latitude, EPSG:4326) with the same parameters
as the search page (maps.search.forms). Bad input is a 400 with the reason per parameter,
never a 500; every query is bounded by a radius or a box.

- `search.py`: the views;
- `serializers.py`: the answers, written and documented by the same serializers;
- `schema.py`: the parameters' OpenAPI schema, read from SearchForm, and the rules between
  parameters that only a description can state.
"""
