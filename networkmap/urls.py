from django.urls import path

from . import views

app_name = "networkmap"

urlpatterns = [
    path("netwerkkaart/", views.draw, name="draw"),
    path("netwerkkaart/mijn/", views.mine, name="mine"),
    path("netwerkkaart/zoeken/", views.find, name="find"),
    path("netwerkkaart/<int:pk>/", views.detail, name="detail"),
    path("netwerkkaart/<int:pk>/verwijderen/", views.delete, name="delete"),
]
