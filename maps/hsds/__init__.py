"""The HSDS 3.0 API (Open Referral's Human Services Data Specification) under /api/hsds/:
public organisations and activities as open data, read only.

- `taxonomy.py`: our code lists as HSDS taxonomies and terms (derived, stable uuid5 ids);
- `selectors.py`: what is public, and the filters;
- `params.py`: the query parameters, each bad value a 400 with its reason;
- `documents.py`: the HSDS objects, in the shapes of the official compiled schemas;
- `schema.py`: the endpoints in our OpenAPI document;
- `views.py`, `urls.py`.
"""
