from django.http import HttpResponse
from django.template.loader import render_to_string


def too_many_requests(request) -> HttpResponse:
    """The 429 page of django-allauth's rate limits (config.urls.handler429)."""
    return HttpResponse(render_to_string("429.html", request=request), status=429)
