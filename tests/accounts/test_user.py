import pytest
from django.contrib.auth import authenticate, get_user_model

pytestmark = pytest.mark.django_db


def test_users_sign_in_with_their_email_address():
    user = get_user_model().objects.create_user(email="An@Example.ORG", password="lang-genoeg-1")
    assert user.email == "An@example.org"  # the domain part is case-insensitive
    assert authenticate(email="An@example.org", password="lang-genoeg-1") == user
    assert not user.is_staff


def test_an_email_address_is_required():
    with pytest.raises(ValueError, match="e-mail"):
        get_user_model().objects.create_user(email="", password="x")


def test_createsuperuser_makes_an_admin():
    admin = get_user_model().objects.create_superuser(email="beheer@example.org", password="x")
    assert admin.is_staff
    assert admin.is_superuser
    assert str(admin) == "beheer@example.org"
