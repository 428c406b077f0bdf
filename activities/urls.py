from django.urls import path

from . import subscription_views, views

app_name = "activities"

urlpatterns = [
    path("agenda/", views.agenda, name="agenda"),
    path("agenda.ics", views.agenda_ics, name="agenda-ics"),
    path("activiteiten/<int:pk>/", views.activity_detail, name="detail"),
    path("organisaties/<slug:slug>/agenda.ics", views.organisation_ics, name="organisation-ics"),
    path("buurten/<str:code>/agenda.ics", views.neighbourhood_ics, name="neighbourhood-ics"),
    path("momenten/<int:pk>/inschrijven/", views.occurrence_register, name="register"),
    path(
        "inschrijvingen/<int:pk>/annuleren/",
        views.registration_cancel,
        name="registration-cancel",
    ),
    # For organisation members
    path("mijn-activiteiten/", views.dashboard, name="dashboard"),
    path(
        "organisaties/<slug:slug>/agendas/",
        subscription_views.subscriptions_page,
        name="subscriptions",
    ),
    path(
        "agendas/<int:pk>/lezen/",
        subscription_views.subscription_sync,
        name="subscription-sync",
    ),
    path(
        "agendas/<int:pk>/verwijderen/",
        subscription_views.subscription_delete,
        name="subscription-delete",
    ),
    path(
        "organisaties/<slug:slug>/activiteiten/nieuw/",
        views.activity_create,
        name="create",
    ),
    path("activiteiten/<int:pk>/bewerken/", views.activity_edit, name="edit"),
    path("activiteiten/<int:pk>/publiceren/", views.activity_publish, name="publish"),
    path("activiteiten/<int:pk>/annuleren/", views.activity_cancel, name="cancel"),
    path("activiteiten/<int:pk>/archiveren/", views.activity_archive, name="archive"),
    path("activiteiten/<int:pk>/dupliceren/", views.activity_duplicate, name="duplicate"),
    path("momenten/<int:pk>/annuleren/", views.occurrence_cancel, name="occurrence-cancel"),
    path(
        "activiteiten/<int:pk>/inschrijvingen/",
        views.activity_registrations,
        name="registrations",
    ),
    path(
        "activiteiten/<int:pk>/inschrijvingen.csv",
        views.activity_registrations_csv,
        name="registrations-csv",
    ),
]
