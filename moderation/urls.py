from django.urls import path, register_converter

from . import listings, views


class ModeratedKeyConverter:
    """ "app_label.model_name" of a registered model, e.g. "buurt.organisation". The dot keeps
    these URLs apart from other pages under moderatie/ (accounts' worker queue)."""

    regex = r"[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(ModeratedKeyConverter, "moderated")

app_name = "moderation"

urlpatterns = [
    path("moderatie/", views.queue, name="queue"),
    path("moderatie/logboek/", views.audit_log, name="audit-log"),
    path("moderatie/actueel/", listings.freshness, name="freshness"),
    path("moderatie/organisaties-laden/", listings.organisation_import, name="organisation-import"),
    path(
        "moderatie/organisaties-laden/bevestigen/",
        listings.organisation_import_confirm,
        name="organisation-import-confirm",
    ),
    path(
        "moderatie/organisaties-laden/publiceren/",
        listings.organisation_import_publish,
        name="organisation-import-publish",
    ),
    path(
        "moderatie/actueel/<int:pk>/nagekeken/",
        listings.freshness_confirm,
        name="freshness-confirm",
    ),
    path("moderatie/<moderated:key>/<int:pk>/", views.item, name="item"),
    path("moderatie/<moderated:key>/<int:pk>/beslissen/", views.decide, name="decide"),
    path("melden/bedankt/", views.report_thanks, name="report-thanks"),
    path("melden/<moderated:key>/<int:pk>/", views.report, name="report"),
]
