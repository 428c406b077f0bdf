from django.urls import path

from . import views

app_name = "buurt"

urlpatterns = [
    path("organisaties/<slug:slug>/", views.organisation_detail, name="organisation-detail"),
    path("buurten/", views.neighbourhood_list, name="neighbourhood-list"),
    path("buurten/<str:code>/", views.neighbourhood_detail, name="neighbourhood-detail"),
]
