"""Our taxonomy as HSDS taxonomies and terms: what an organisation or an activity is (kind,
category), whom and how it serves (network-strengthening models, accessibility, cost, age,
audience, a welcome person) and which languages are spoken there.

The terms are our code lists (choices and buurt.flags), not rows, so their identifiers are
derived: uuid5 of NAMESPACE and "<taxonomy>/<code>". A code never changes meaning, so neither
does its identifier (never change NAMESPACE). Each term also says which organisations and
which activities carry it (`organisation_q`, `activity_q`, None when it never applies): the
attributes an answer lists and the `taxonomy_term_id` filter are the same condition.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from activities.models import Activity
from buurt import flags
from buurt.models import Language, NetworkModel, Organisation

NAMESPACE = uuid.UUID("6f1c3f0e-5b8e-4d52-9a57-1c0d6c2f9b31")  # never change: ids derive from it
VERSION = "1"


@dataclass(frozen=True)
class Taxonomy:
    code: str
    name: Promise
    description: Promise

    @property
    def id(self) -> uuid.UUID:
        return uuid.uuid5(NAMESPACE, f"taxonomy/{self.code}")


ORGANISATION = "organisation"
ACTIVITY = "activity"
BOTH = frozenset({ORGANISATION, ACTIVITY})
# Many-to-many fields whose related rows' primary key is the code.
MANY = frozenset({"network_models", "languages"})


@dataclass(frozen=True)
class Term:
    """A code of one taxonomy, carried by the organisations and activities (`applies_to`)
    whose `field` has `value` (or, for MANY fields, includes it)."""

    taxonomy: Taxonomy
    code: str
    name: Promise | str
    field: str
    value: object
    applies_to: frozenset[str] = BOTH

    @property
    def id(self) -> uuid.UUID:
        return uuid.uuid5(NAMESPACE, f"{self.taxonomy.code}/{self.code}")

    def q(self, kind: str) -> Q | None:
        """The condition on `kind`'s rows, None when the term never applies to that kind."""
        return Q(**{self.field: self.value}) if kind in self.applies_to else None

    def carried_by(self, row, kind: str, *, related_codes: dict[str, set[str]]) -> bool:
        """Whether `row` carries it, with the MANY fields' codes already read."""
        if kind not in self.applies_to:
            return False
        if self.field in MANY:
            return self.value in related_codes[self.field]
        return getattr(row, self.field) == self.value


KIND = Taxonomy(
    "organisation-kind",
    _("Kind of organisation"),
    _("What kind of association or service an organisation is."),
)
CATEGORY = Taxonomy("activity-category", _("Kind of activity"), _("What an activity is about."))
NETWORK_MODEL = Taxonomy(
    "network-model",
    _("Network-strengthening model"),
    _("The seven working models of network strengthening (Odisee) an offer serves."),
)
ACCESSIBILITY = Taxonomy(
    "accessibility", _("Accessibility"), _("What makes a place or an activity accessible.")
)
COST = Taxonomy("cost", _("Cost"), _("What taking part costs."))
WELCOME = Taxonomy(
    "welcome", _("Coming for the first time"), _("What helps someone come for the first time.")
)
AGE_GROUP = Taxonomy("age-group", _("Age group"), _("The age group an activity is meant for."))
AUDIENCE = Taxonomy("audience", _("Audience"), _("Whom an activity is meant for."))
LANGUAGE = Taxonomy("language", _("Language spoken"), _("Languages spoken, by ISO 639 code."))
TAXONOMIES = (
    KIND,
    CATEGORY,
    NETWORK_MODEL,
    ACCESSIBILITY,
    COST,
    WELCOME,
    AGE_GROUP,
    AUDIENCE,
    LANGUAGE,
)


def code_list_terms() -> list[Term]:
    """Every term but the languages (which are rows), in a fixed order."""
    org, act = frozenset({ORGANISATION}), frozenset({ACTIVITY})
    terms = [Term(KIND, c, label, "kind", c, org) for c, label in Organisation.Kind.choices]
    terms += [
        Term(CATEGORY, c, label, "category", c, act) for c, label in Activity.Category.choices
    ]
    terms += [
        Term(NETWORK_MODEL, c, label, "network_models", c) for c, label in NetworkModel.Code.choices
    ]
    terms += [
        Term(ACCESSIBILITY, flag.code, flag.filter_label or flag.label, flag.field, True)
        for flag in flags.ACCESSIBILITY
    ]
    terms += [Term(COST, c, label, "cost", c) for c, label in Organisation.Cost.choices]
    terms += [Term(COST, flag.code, flag.label, flag.field, True) for flag in flags.COST]
    terms += [
        Term(
            WELCOME,
            "welcome_person",
            _("A welcome person waits for newcomers"),
            "welcome_person",
            True,
        ),
        Term(WELCOME, "come_alone", _("You can come alone"), "come_alone", True, act),
        Term(WELCOME, "no_dutch_needed", _("No Dutch needed"), "no_dutch_needed", True, act),
    ]
    terms += [
        Term(AGE_GROUP, c, label, "age_group", c, act) for c, label in Activity.AgeGroup.choices
    ]
    terms += [
        Term(AUDIENCE, c, label, "audience", c, act) for c, label in Activity.Audience.choices
    ]
    return terms


def language_term(language: Language) -> Term:
    return Term(LANGUAGE, language.code, language.name_local, "languages", language.code)


def all_terms() -> list[Term]:
    """Every published term: the code lists, then the languages (one query)."""
    return code_list_terms() + [language_term(language) for language in Language.objects.all()]


def terms_by_id() -> dict[uuid.UUID, Term]:
    return {term.id: term for term in all_terms()}


def taxonomies_by_id() -> dict[uuid.UUID, Taxonomy]:
    return {taxonomy.id: taxonomy for taxonomy in TAXONOMIES}
