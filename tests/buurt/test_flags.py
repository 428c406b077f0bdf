"""The accessibility and cost flags are declared once (buurt/flags.py) and reach every model,
form, filter and result from there."""

import pytest
from django.contrib import admin
from django.urls import reverse

from activities.forms import ActivityForm, AgendaFilterForm
from activities.models import Activity
from buurt import flags
from buurt.forms import OrganisationEditForm
from buurt.models import Organisation
from buurt.search.params import Access
from maps.templatetags.search_tags import flag_icon
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [Organisation, Activity])
def test_every_flag_is_a_yes_no_field_of_both_models(model):
    for flag in flags.FLAGS:
        field = model._meta.get_field(flag.field)
        assert field.get_internal_type() == "BooleanField"
        assert (field.verbose_name, field.default) == (flag.label, False)


def test_accessibility_lists_the_labels_of_the_flags_set():
    organisation = Organisation(hearing_loop=True, child_friendly=True, reduced_rate=True)
    assert organisation.accessibility == ["hearing loop", "child-friendly"]


def test_both_forms_show_one_fieldset_in_the_same_order():
    names = [field.name for field in OrganisationEditForm().access_and_cost_fields()]
    assert names == [*(f.field for f in flags.ACCESSIBILITY), "cost", "reduced_rate"]
    with_price = [field.name for field in ActivityForm().access_and_cost_fields()]
    assert with_price == [*(f.field for f in flags.ACCESSIBILITY), "cost", "price", "reduced_rate"]


def test_the_admin_fieldsets_hold_every_flag():
    for model in (Organisation, Activity):
        fields = [
            f
            for _name, options in admin.site.get_model_admin(model).fieldsets
            for f in options["fields"]
        ]
        assert set(flags.FORM_FIELDS) <= set(fields)


def test_filters_and_icons_come_from_the_table():
    codes = [f.code for f in flags.ACCESSIBILITY]
    assert [code for code, _label in AgendaFilterForm.base_fields["access"].choices] == codes
    # The map search asks for children's fit by age group instead.
    assert Access.values == ["wheelchair", "hearing_loop", "quiet"]
    assert Access("hearing_loop").label == "Hearing loop"
    for flag in flags.FLAGS:
        assert 'class="flag-icon"' in flag_icon(flag.code)


def test_the_edit_page_renders_the_shared_fieldset(client):
    organisation = OrganisationFactory()
    client.force_login(MembershipFactory(organisation=organisation).user)
    page = client.get(reverse("accounts:organisation-edit", args=[organisation.slug])).content
    for name in flags.FORM_FIELDS:
        assert f'name="{name}"'.encode() in page
