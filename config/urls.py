from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from .health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/", include("buurt.api_urls")),
    path("api/", include("maps.api_urls")),
    path("api/hsds/", include("maps.hsds.urls")),
    path("account/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("", include("moderation.urls")),
    path("", include("activities.urls")),
    path("", include("buurt.urls")),
    path("", include("maps.urls")),
    path("", include("neighbourhelp.urls")),
    path("", include("referrals.urls")),
    path("", include("networkmap.urls")),
    path("", include("regie.urls")),
]

# django-allauth's rate limits answer with this page (status 429).
handler429 = "core.views.too_many_requests"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
