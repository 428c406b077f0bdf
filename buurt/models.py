from uuid import uuid4

from django.contrib.gis.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fields import EnterpriseNumberField
from core.images import CleanImageField
from core.moderation import ModerationState

from . import flags, freshness
from .querysets import NeighbourhoodQuerySet, OrganisationQuerySet


class Neighbourhood(models.Model):
    """A buurt or wijk: a statistical sector (BE), a CBS buurt (NL) or a demo area."""

    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(_("code"), max_length=40, unique=True)
    municipality_name = models.CharField(_("municipality"), max_length=200)
    municipality_code = models.CharField(
        _("municipality code"),
        max_length=20,
        help_text=_("Belgian NIS/REFNIS code or Dutch CBS municipality code."),
    )
    boundary = models.MultiPolygonField(_("boundary"), srid=4326)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    population_source = models.CharField(
        _("source of the population"),
        max_length=300,
        blank=True,
        help_text=_("Which file and column the number of inhabitants comes from, and when."),
    )
    population_is_demo = models.BooleanField(
        _("demo population"),
        default=False,
        help_text=_("An invented, plausible number of inhabitants for the demo."),
    )
    is_approximate = models.BooleanField(
        _("approximate boundary"),
        default=False,
        help_text=_("Demo boundaries derived from postcodes, not official ones."),
    )

    objects = NeighbourhoodQuerySet.as_manager()

    class Meta:
        verbose_name = _("neighbourhood")
        verbose_name_plural = _("neighbourhoods")
        ordering = ["municipality_name", "name"]

    def __str__(self):
        return f"{self.name} ({self.municipality_name})"

    def get_absolute_url(self):
        return reverse("buurt:neighbourhood-detail", args=[self.code])


class Language(models.Model):
    """A language spoken at an organisation, by ISO 639 code, named in itself."""

    code = models.CharField(_("code"), max_length=8, primary_key=True)
    name_local = models.CharField(_("name"), max_length=60)

    class Meta:
        verbose_name = _("language")
        verbose_name_plural = _("languages")
        ordering = ["name_local"]

    def __str__(self):
        return self.name_local


class NetworkModel(models.Model):
    """One of the seven working models of network strengthening (Odisee), see DOMAIN.md."""

    class Code(models.TextChoices):
        COMPETENCE = "competence", _("Building personal skills")
        BUDDY = "buddy", _("A personal friend: a volunteer buddy")
        OWN_NETWORK = "own_network", _("The network the person chooses: family, friends")
        PEERS = "peers", _("Peers with a shared life experience")
        CONTEXT = "context", _("Professionals working with the person's surroundings")
        VOLUNTEERING = "volunteering", _("Volunteering through an organisation")
        COMMUNITY = "community", _("Community building in the neighbourhood")

    code = models.CharField(_("code"), max_length=20, primary_key=True, choices=Code.choices)
    number = models.PositiveSmallIntegerField(_("number"), unique=True)

    class Meta:
        verbose_name = _("network-strengthening model")
        verbose_name_plural = _("network-strengthening models")
        ordering = ["number"]

    def __str__(self):
        return self.get_code_display()


class Precision(models.TextChoices):
    """How precisely a point found for an address is known, from best to worst."""

    ADDRESS = "address", _("address")
    STREET = "street", _("street")
    POSTCODE = "postcode", _("postcode")
    MUNICIPALITY = "municipality", _("municipality")


class GeocodeStatus(models.TextChoices):
    NONE = "none", _("No address to place")
    PENDING = "pending", _("Being placed on the map")
    DONE = "done", _("Placed from the address")
    MANUAL = "manual", _("Point set by hand")
    FAILED = "failed", _("Could not place this address — set the point on the map")


class PlacedAddress(models.Model):
    """Something with a public address that is placed on the map from it (buurt.placing).

    Saving goes through address_status_update(), which says whether the address must be
    placed; a task then calls address_place() after the commit. A concrete model also has a
    `neighbourhood` foreign key (each with its own related name) and an `updated_at`, and
    registers with buurt.placing so that the beat task can queue again what was lost.
    """

    # What address_status_update() compares with the stored row to see a new address.
    address_fields: tuple[str, ...] = ("street_address", "postcode", "city")
    # Declared for type checkers only: each concrete model has its own foreign key.
    neighbourhood: Neighbourhood | None

    street_address = models.CharField(_("street and number"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("municipality"), max_length=100, blank=True)
    point = models.PointField(_("location"), geography=True, srid=4326, null=True, blank=True)
    geocode_status = models.CharField(
        _("placing on the map"),
        max_length=20,
        choices=GeocodeStatus.choices,
        default=GeocodeStatus.NONE,
    )
    geocode_precision = models.CharField(
        _("precision of the location"), max_length=20, choices=Precision.choices, blank=True
    )
    geocoded_at = models.DateTimeField(_("placed on"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def address(self) -> str:
        """The address to place, on one line; empty when there is none."""
        return ", ".join(
            p for p in (self.street_address, f"{self.postcode} {self.city}".strip()) if p
        )


class AccessAndCost(models.Model):
    """What it costs and how accessible it is: `cost`, and a yes/no field for each flag of
    buurt.flags.FLAGS (added below the class, from that table)."""

    class Cost(models.TextChoices):
        FREE = "free", _("Free")
        PAID = "paid", _("Paid")
        PAY_WHAT_YOU_CAN = "pay_what_you_can", _("Pay what you can")

    cost = models.CharField(_("cost"), max_length=20, choices=Cost.choices, default=Cost.FREE)

    class Meta:
        abstract = True

    @property
    def accessibility(self) -> list[str]:
        """Labels of the accessibility features it offers."""
        return [flag.label for flag in flags.ACCESSIBILITY if getattr(self, flag.field)]


for _flag in flags.FLAGS:
    AccessAndCost.add_to_class(_flag.field, models.BooleanField(_flag.label, default=False))


class OpenDataIdentifiers(models.Model):
    """Identifiers for open data (the HSDS API, maps/hsds), stored so that they never change
    across requests and releases: the row itself, its place as a location, and its service
    at that place. A copy of a row needs new ones (IDENTIFIER_FIELDS)."""

    IDENTIFIER_FIELDS: tuple[str, ...] = ("uuid", "location_uuid", "service_at_location_uuid")

    uuid = models.UUIDField(_("identifier"), default=uuid4, unique=True, editable=False)
    location_uuid = models.UUIDField(
        _("identifier of its location"), default=uuid4, unique=True, editable=False
    )
    service_at_location_uuid = models.UUIDField(
        _("identifier of its service at its location"),
        default=uuid4,
        unique=True,
        editable=False,
    )

    class Meta:
        abstract = True


class Organisation(PlacedAddress, AccessAndCost, OpenDataIdentifiers):
    """An association or service on the map. Its address is public: it is not a person."""

    class Kind(models.TextChoices):
        CULTURE = "culture", _("Theatre and culture")
        SPORTS = "sports", _("Sports club")
        COMMUNITY_CENTRE = "community_centre", _("Buurthuis / community centre")
        SERVICE_CENTRE = "service_centre", _("Lokaal dienstencentrum")
        PEER_GROUP = "peer_group", _("Peer group")
        BUDDY_PROJECT = "buddy_project", _("Buddy project")
        YOUTH = "youth", _("Youth work")
        SENIORS = "seniors", _("Seniors' association")
        LANGUAGE_CAFE = "language_cafe", _("Language café")
        SOCIAL_RESTAURANT = "social_restaurant", _("Social restaurant")
        VOLUNTEERING = "volunteering", _("Volunteer organisation")
        PUBLIC_SERVICE = "public_service", _("Public service")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    class ContentLanguage(models.TextChoices):
        NL = "nl", _("Dutch")
        FR = "fr", _("French")
        EN = "en", _("English")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    description = models.TextField(_("description"), blank=True)
    content_language = models.CharField(
        _("language of the description"),
        max_length=2,
        choices=ContentLanguage.choices,
        default=ContentLanguage.NL,
    )

    neighbourhood = models.ForeignKey(
        Neighbourhood,
        verbose_name=_("neighbourhood"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="organisations",
        help_text=_("Derived from the location."),
    )

    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    # Ten digits, "" when unknown: the same number twice is the same association.
    enterprise_number = EnterpriseNumberField(
        _("enterprise number"),
        blank=True,
        db_index=True,
        help_text=_("Belgian enterprise number (KBO), e.g. 0123.456.749."),
    )
    # Re-encoded on upload (core.images): checked by content, without EXIF, at most 1600 px.
    logo = CleanImageField(_("logo"), upload_to="organisations/logos/", blank=True)
    opening_hours = models.TextField(_("opening hours"), blank=True)

    languages = models.ManyToManyField(
        Language, verbose_name=_("languages spoken"), blank=True, related_name="+"
    )
    network_models = models.ManyToManyField(
        NetworkModel, verbose_name=_("network-strengthening models"), blank=True, related_name="+"
    )
    welcome_person = models.BooleanField(_("a welcome person waits for newcomers"), default=False)

    class Assurer(models.TextChoices):
        """Who last confirmed that the listing is still correct (HSDS: assurer)."""

        MEMBER = "member", _("a member of the association")
        MODERATOR = "moderator", _("a moderator")
        IMPORT = "import", _("an import")

    # A moderator checked that the association is genuine (its activities skip moderation).
    is_verified = models.BooleanField(_("verified"), default=False)
    # When a person last confirmed the listing (HSDS: assured_date), and who. A listing is
    # "added" on its first day (assurer blank); buurt.freshness says when it is due again.
    assured_on = models.DateField(_("last confirmed on"), default=timezone.localdate, db_index=True)
    assurer = models.CharField(
        _("confirmed by"), max_length=20, choices=Assurer.choices, blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    # Public only when approved. The default serves the trusted ways in (admin, seed, imports);
    # what members and residents submit goes through moderation.services.organisation_submit,
    # which starts it as pending.
    moderation_state = models.CharField(
        _("moderation"),
        max_length=20,
        choices=ModerationState.choices,
        default=ModerationState.APPROVED,
        db_index=True,
    )
    # Where an imported listing came from: "<source label>:<id in the list>" (buurt.
    # organisation_import), so that loading the same list again updates it, never twice.
    source_id = models.CharField(
        _("identifier in the source"), max_length=250, blank=True, db_index=True
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # With OpenDataIdentifiers': its general offer as an HSDS service.
    service_uuid = models.UUIDField(
        _("identifier of its service"), default=uuid4, unique=True, editable=False
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        indexes = [
            # For the map search's rare categories: with it, PostgreSQL answers a search for
            # a kind that few listings have (none within 2,400 m, say) from those few rows,
            # where it read every listing of the radius to find none (125 ms at 100k listings
            # on the loaded test machine, 0.05 ms with it). For a common kind it still walks
            # the spatial index nearest first: the planner chooses by the kind's share in its
            # statistics. A plain index, not a per-cell count table to keep current on save.
            models.Index(fields=["kind"], name="buurt_organisation_kind"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("buurt:organisation-detail", args=[self.slug])

    @property
    def is_due_for_review(self) -> bool:
        """Last confirmed LISTING_REVIEW_MONTHS ago or longer: its members are asked."""
        return self.assured_on <= freshness.review_due_before()

    @property
    def is_possibly_outdated(self) -> bool:
        """Nobody confirmed it for LISTING_OUTDATED_MONTHS: "phone first"."""
        return self.assured_on < freshness.outdated_before()


# --- Address gazetteer (offline geocoding, see buurt/geocoding/) ------------------------------


class Street(models.Model):
    """A street name within one postcode, in up to two languages (Brussels: nl and fr).

    `key` and `key_alt` are search keys made by buurt.geocoding.normalise.street_key:
    lowercase, without accents, spaces or punctuation, abbreviations expanded. They carry a
    b-tree index for exact and prefix lookups on both backends and, on PostGIS, a pg_trgm GIN
    index (added in migration 0003) that serves the substring searches of fuzzy matching.
    """

    uid = models.CharField(_("identifier"), max_length=200, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_alt = models.CharField(_("name in the other language"), max_length=200, blank=True)
    language = models.CharField(_("language of the name"), max_length=2, blank=True)
    language_alt = models.CharField(_("language of the other name"), max_length=2, blank=True)
    key = models.CharField(_("search key"), max_length=200, db_index=True)
    key_alt = models.CharField(_("search key of the other name"), max_length=200, db_index=True)
    postcode = models.CharField(_("postcode"), max_length=10, db_index=True)
    municipality = models.CharField(_("municipality"), max_length=100)
    municipality_alt = models.CharField(
        _("municipality in the other language"), max_length=100, blank=True
    )
    # Space-delimited search keys of the postal name (first), the municipality and its name in
    # the other language ("sintamandsberg gent gand"): one LIKE tells whether a place matches.
    place_keys = models.CharField(_("place search keys"), max_length=300)
    point = models.PointField(_("middle"), geography=True, srid=4326, null=True, blank=True)
    address_count = models.PositiveIntegerField(_("addresses"), default=0)

    class Meta:
        verbose_name = _("street")
        verbose_name_plural = _("streets")
        ordering = ["postcode", "name"]

    def __str__(self):
        return f"{self.name}, {self.postcode} {self.municipality}"


class Address(models.Model):
    """One address point from an open address register (BeST, BAG), in EPSG:4326."""

    # No index of its own: the two composite indexes below start with the street.
    street = models.ForeignKey(
        Street,
        verbose_name=_("street"),
        on_delete=models.CASCADE,
        related_name="addresses",
        db_index=False,
    )
    house_number = models.CharField(_("house number"), max_length=20)
    number = models.PositiveIntegerField(_("number part"), null=True, blank=True)
    # "12a", lowercase: number and letter as typed in the search box.
    house_key = models.CharField(_("house number search key"), max_length=20)
    box = models.CharField(_("box"), max_length=20, blank=True)
    box_key = models.CharField(_("box search key"), max_length=20, blank=True)
    point = models.PointField(_("location"), geography=True, srid=4326)
    source = models.CharField(_("source"), max_length=20)
    source_id = models.CharField(_("identifier in the source"), max_length=100, unique=True)
    status = models.CharField(_("status in the source"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        indexes = [
            models.Index(fields=["street", "house_key", "box_key"], name="address_lookup_idx"),
            models.Index(fields=["street", "number"], name="address_street_number_idx"),
        ]

    def __str__(self):
        box = f" bus {self.box}" if self.box else ""
        return f"{self.street.name} {self.house_number}{box}, {self.street.postcode}"


class PostcodeCentroid(models.Model):
    """A postal code with an approximate centre: the fallback when the address is unknown."""

    postcode = models.CharField(_("postcode"), max_length=10, unique=True)
    name = models.CharField(_("postal name"), max_length=100)
    municipality = models.CharField(_("municipality"), max_length=100)
    municipality_alt = models.CharField(
        _("municipality in the other language"), max_length=100, blank=True
    )
    place_keys = models.CharField(_("place search keys"), max_length=300)
    point = models.PointField(_("centre"), geography=True, srid=4326)
    country = models.CharField(_("country"), max_length=2, default="BE")

    class Meta:
        verbose_name = _("postcode")
        verbose_name_plural = _("postcodes")
        ordering = ["postcode"]

    def __str__(self):
        return f"{self.postcode} {self.name}"


class GeocodeCache(models.Model):
    """Answers of remote geocoders, so that one question is asked once (and offline after)."""

    backend = models.CharField(_("geocoder"), max_length=30)
    query_key = models.CharField(_("normalised question"), max_length=300)
    candidates = models.JSONField(_("candidates"), default=list)
    created_at = models.DateTimeField(_("asked on"), auto_now_add=True)

    class Meta:
        verbose_name = _("cached geocoder answer")
        verbose_name_plural = _("cached geocoder answers")
        constraints = [
            models.UniqueConstraint(fields=["backend", "query_key"], name="geocode_cache_unique")
        ]

    def __str__(self):
        return f"{self.backend}: {self.query_key}"
