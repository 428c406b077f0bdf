from django.urls import path

from . import joining_views, views

app_name = "accounts"

urlpatterns = [
    path("account/", views.dashboard, name="dashboard"),
    path("account/hulpverlener/", views.worker_request, name="worker-request"),
    path("account/hulpverlener/<int:pk>/<str:token>/", views.worker_email, name="worker-email"),
    path(
        "account/hulpverlener/nieuwe-link/",
        views.worker_email_resend,
        name="worker-email-resend",
    ),
    path("account/gegevens/", views.account_export, name="export"),
    path("account/verwijderen/", views.account_delete, name="delete"),
    path("privacy/", views.privacy, name="privacy"),
    path("uitnodigingen/<str:token>/", views.invitation_detail, name="invitation"),
    path("organisaties/<slug:slug>/bewerken/", views.organisation_edit, name="organisation-edit"),
    path("organisaties/<slug:slug>/nagekeken/", views.listing_confirm, name="listing-confirm"),
    path(
        "organisaties/<slug:slug>/nagekeken/<str:token>/",
        views.listing_confirm_link,
        name="listing-confirm-link",
    ),
    path(
        "organisaties/<slug:slug>/leden/", views.organisation_members, name="organisation-members"
    ),
    path("organisaties/<slug:slug>/leden/uitnodigen/", views.member_invite, name="member-invite"),
    path("organisaties/<slug:slug>/leden/<int:pk>/", views.member_update, name="member-update"),
    path(
        "organisaties/<slug:slug>/uitnodigingen/<int:pk>/intrekken/",
        views.invitation_revoke,
        name="invitation-revoke",
    ),
    path("organisaties/<slug:slug>/verlaten/", views.organisation_leave, name="organisation-leave"),
    path(
        "vereniging-aanmelden/", joining_views.organisation_register, name="organisation-register"
    ),
    path(
        "organisaties/<slug:slug>/plaatsen/",
        joining_views.organisation_place,
        name="organisation-place",
    ),
    path(
        "organisaties/<slug:slug>/claimen/",
        joining_views.organisation_claim,
        name="organisation-claim",
    ),
    path("account/claims/<int:pk>/<str:token>/", joining_views.claim_email, name="claim-email"),
    path("moderatie/hulpverleners/", views.worker_queue, name="worker-queue"),
    path("moderatie/hulpverleners/<int:pk>/", views.worker_decide, name="worker-decide"),
]
