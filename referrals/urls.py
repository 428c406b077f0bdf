from django.urls import path

from . import views

app_name = "referrals"

urlpatterns = [
    path("verbinden/", views.referral_create, name="create"),
    path("verbinden/mijn/", views.mine, name="mine"),
    path("verbinden/statistieken/", views.statistics, name="statistics"),
    path("verbinden/<int:pk>/", views.detail, name="detail"),
    path("verbinden/<int:pk>/antwoord/", views.respond, name="respond"),
    path("verbinden/<int:pk>/intrekken/", views.withdraw, name="withdraw"),
    path("verbinden/<int:pk>/meegaan/", views.companion, name="companion"),
    path("verbinden/opvolging/<int:pk>/", views.follow_up_answer, name="follow-up-answer"),
    path(
        "verbinden/opvolging/<int:pk>/<str:token>/<str:answer>/",
        views.follow_up_link,
        name="follow-up-link",
    ),
    path(
        "verbinden/melding/<int:pk>/opnieuw/",
        views.notification_retry,
        name="notification-retry",
    ),
    path("organisaties/<slug:slug>/verwijzingen/", views.incoming, name="incoming"),
]
