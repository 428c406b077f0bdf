"""The site's URLs and one view that fails as a view does when the database is down."""

from django.db import OperationalError
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns


def database_down(request):
    raise OperationalError("connection to server at 127.0.0.1, port 5432 failed")


urlpatterns = [path("database-down/", database_down), *site_urlpatterns]
