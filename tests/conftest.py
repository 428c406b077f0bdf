import pytest
from django.db import connection


@pytest.fixture
def postgis_only():
    """Skip on backends without PostGIS features (decided by connection.features)."""
    if not connection.features.supports_geography:
        pytest.skip("needs PostGIS")
