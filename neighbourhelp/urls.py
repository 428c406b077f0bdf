from django.urls import path

from . import views

app_name = "neighbourhelp"

urlpatterns = [
    path("burenhulp/", views.board, name="board"),
    path("burenhulp/mijn/", views.mine, name="mine"),
    path("burenhulp/belasting/", views.load, name="load"),
    path("burenhulp/aanbod/nieuw/", views.offer_create, name="offer-create"),
    path("burenhulp/aanbod/<int:pk>/", views.offer_detail, name="offer-detail"),
    path("burenhulp/aanbod/<int:pk>/intrekken/", views.offer_withdraw, name="offer-withdraw"),
    path(
        "burenhulp/aanbod/<int:pk>/verlengen/<str:token>/",
        views.offer_renew,
        name="offer-renew",
    ),
    path("burenhulp/vraag/nieuw/", views.request_create, name="request-create"),
    path("burenhulp/vraag/<int:pk>/", views.request_detail, name="request-detail"),
    path("burenhulp/vraag/<int:pk>/helpers/", views.request_helpers, name="request-helpers"),
    path("burenhulp/vraag/<int:pk>/sluiten/", views.request_close, name="request-close"),
    path("burenhulp/match/<int:pk>/", views.match_detail, name="match-detail"),
    path("burenhulp/match/<int:pk>/bericht/", views.match_message, name="match-message"),
]
