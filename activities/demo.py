"""Demo activities for the demo organisations, so that a newcomer sees a living agenda.

Idempotent: an activity is found again by its organisation and title, and updated."""

from __future__ import annotations

import datetime
import functools

from django.contrib.gis.geos import Point
from django.db import transaction
from django.utils import timezone

from buurt.demo import SCALE_SLUG_PREFIX, demo_organisation_specs
from buurt.models import Organisation

from .models import Activity
from .services import activity_save, activity_start_align

# An activity: (title, category, weekday 0=Monday, start, minutes, rule, extra fields). The
# rule is RFC 5545, "" for a one-off, or DATES for "on these dates" (two extra dates, three
# and six weeks after the first). Extra fields may set `venue` ("online", "phone", or
# ("address", street, postcode, lon, lat)), costs, flags, age group and languages.
DATES = "dates"
Spec = tuple[str, str, int, str, int, str, dict]

# What each demo association does, in keeping with what it is (buurt/data/
# gent_demo_organisations.json, by name): every one has something on the agenda, and together
# they show every kind of listing the agenda supports (one-off, weekly, every two weeks, the
# nth or last weekday of the month, on these dates; at the association, at another address,
# online, by phone; free, paid, pay what you can, reduced rate; registration with places).
# fmt: off
BY_ORGANISATION: dict[str, list[Spec]] = {
    "Buurttheater De Koekoek (demo)": [
        ("Toneelrepetitie: iedereen welkom", "culture", 1, "19:30", 150, "FREQ=WEEKLY;BYDAY=TU",
         {"cost": "paid", "price": 3, "reduced_rate": True, "welcome_person": True,
         "welcome_person_name": "Mieke", "come_alone": True}),
    ],
    "Lokaal dienstencentrum Het Klaverblad (demo)": [
        ("Donderdaglunch in het dienstencentrum", "meal", 3, "12:00", 90, "FREQ=WEEKLY;BYDAY=TH",
         {"cost": "paid", "price": 6, "reduced_rate": True, "wheelchair_accessible": True,
         "age_group": "seniors"}),
        ("Computerles voor beginners", "learning", 0, "10:00", 120, "FREQ=WEEKLY;BYDAY=MO",
         {"registration_required": True, "capacity": 8, "hearing_loop": True}),
    ],
    "Taalcafé Babbelonië (demo)": [
        ("Taalcafé: Nederlands oefenen", "conversation", 2, "14:00", 90,
         "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE",
         {"cost": "pay_what_you_can", "no_dutch_needed": True, "welcome_person": True}),
    ],
    "Sociaal restaurant De Volle Pot (demo)": [
        ("Middagmaal aan kansentarief", "meal", 0, "12:00", 90, "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
         {"cost": "paid", "price": 9.5, "reduced_rate": True, "wheelchair_accessible": True,
         "come_alone": True}),
    ],
    "Jeugdhuis De Vonk (demo)": [
        ("Open huis voor jongeren", "culture", 2, "14:00", 240, "FREQ=WEEKLY;BYDAY=WE",
         {"age_group": "youth", "audience": "youth"}),
    ],
    "Sociaal huis Muide (demo)": [
        ("Infomoment: energiepremies aanvragen", "learning", 3, "10:00", 90, "",
         {"registration_required": True, "capacity": 20, "wheelchair_accessible": True}),
    ],
    "Sportclub Balans (demo)": [
        ("Zachte gym voor iedereen", "sports", 0, "10:00", 90, "FREQ=WEEKLY;BYDAY=MO,TH",
         {"cost": "paid", "price": 4, "reduced_rate": True}),
    ],
    "Buddyproject Samen op Stap (demo)": [
        ("Kennismakingsavond voor nieuwe buddy's", "volunteering", 4, "19:00", 90,
         "FREQ=MONTHLY;BYDAY=-1FR", {"welcome_person": True, "come_alone": True}),
    ],
    "Praatgroep Na het Verlies (demo)": [
        ("Lotgenotengroep: eerste maandag van de maand", "peer_group", 0, "19:00", 120,
         "FREQ=MONTHLY;BYDAY=1MO", {"audience": "peers", "quiet_space": True, "come_alone": True}),
    ],
    "Vrijwilligerspunt Vrijdagmarkt (demo)": [
        ("Inloopmoment: vrijwilligerswerk dat bij je past", "volunteering", 1, "10:00", 120,
         "FREQ=WEEKLY;BYDAY=TU,FR", {"welcome_person": True}),
    ],
    "Seniorenclub De Zilveren Draad (demo)": [
        ("Kaartnamiddag met koffie", "meal", 3, "14:00", 180, "FREQ=WEEKLY;BYDAY=TH",
         {"cost": "paid", "price": 2, "age_group": "seniors", "audience": "seniors"}),
    ],
    "Newcomers' Welcome Circle (demo)": [
        ("Welcome circle for newcomers", "conversation", 5, "10:00", 120, "FREQ=WEEKLY;BYDAY=SA",
         {"no_dutch_needed": True, "welcome_person": True, "languages": ["en", "ar", "nl"]}),
    ],
    "Buurthuis De Kastanje (demo)": [
        ("Buurtsoep op woensdag", "meal", 2, "12:00", 90, "FREQ=WEEKLY;BYDAY=WE",
         {"welcome_person": True, "come_alone": True}),
        ("Repair Café", "learning", 5, "13:00", 180, DATES, {"child_friendly": True}),
    ],
    "Turnkring Mariakerke Beweegt (demo)": [
        ("Kleutergym", "sports", 2, "14:00", 60, "FREQ=WEEKLY;BYDAY=WE",
         {"cost": "paid", "price": 5, "reduced_rate": True, "age_group": "children",
         "child_friendly": True, "audience": "families"}),
    ],
    "Seniorenvereniging 't Hofje (demo)": [
        ("Petanque en een babbel", "sports", 4, "14:00", 120, "FREQ=WEEKLY;BYDAY=FR",
         {"cost": "paid", "price": 1, "age_group": "seniors"}),
    ],
    "Toneelkring De Leiezotten (demo)": [
        ("Voorstelling: Het huis aan de Leie", "culture", 4, "20:00", 150, "",
         {"cost": "paid", "price": 8, "reduced_rate": True, "registration_required": True,
         "capacity": 60, "wheelchair_accessible": True}),
    ],
    "Jeugdbeweging De Wilgen (demo)": [
        ("Zondagnamiddag: spelen in het bos", "outing", 6, "14:00", 210, "FREQ=WEEKLY;BYDAY=SU",
         {"cost": "paid", "price": 2, "reduced_rate": True, "age_group": "children",
         "child_friendly": True}),
    ],
    "Vrijwilligers De Abdijhoeve (demo)": [
        ("Moestuinvoormiddag", "volunteering", 5, "09:30", 180, "FREQ=WEEKLY;BYDAY=SA",
         {"come_alone": True}),
    ],
    "Lokaal dienstencentrum De Meersen (demo)": [
        ("Zitdag: hulp bij formulieren", "learning", 1, "09:00", 180, "FREQ=WEEKLY;BYDAY=TU",
         {"quiet_space": True, "wheelchair_accessible": True}),
    ],
    "Voetbalclub Wondelgem United (demo)": [
        ("Walking football", "sports", 6, "10:00", 90, "FREQ=WEEKLY;BYDAY=SU",
         {"cost": "pay_what_you_can", "age_group": "adults"}),
    ],
    "Praatgroep Mantelzorgers (demo)": [
        ("Praatavond voor mantelzorgers", "peer_group", 1, "19:30", 120, "FREQ=MONTHLY;BYDAY=3TU",
         {"audience": "peers", "quiet_space": True}),
    ],
    "Buurthuis Groot Begijnhof (demo)": [
        ("Breicafé", "culture", 3, "14:00", 120, "FREQ=WEEKLY;BYDAY=TH", {"come_alone": True}),
        ("Buurtwandeling langs de Leie", "outing", 5, "10:00", 120, "",
         {"registration_required": True, "capacity": 15, "child_friendly": True, "venue":
         ("address", "Sint-Michielsplein 1", "9000", 3.7186, 51.0537)}),
    ],
    "Table de conversation Le Moulin (démo)": [
        ("Table de conversation en français", "conversation", 3, "18:30", 90,
         "FREQ=WEEKLY;BYDAY=TH", {"no_dutch_needed": True, "languages": ["fr"]}),
    ],
    "Buddywerking Twee Straten Verder (demo)": [
        ("Telefonische babbel met een buddy", "conversation", 2, "10:00", 30,
         "FREQ=WEEKLY;BYDAY=WE", {"venue": "phone", "come_alone": True}),
    ],
    "Restaurant social La Louche (démo)": [
        ("Repas de midi solidaire", "meal", 1, "12:00", 120, "FREQ=WEEKLY;BYDAY=TU,WE,TH,FR,SA",
         {"cost": "paid", "price": 8, "reduced_rate": True, "languages": ["fr", "nl"]}),
    ],
    "Seniorenclub De Klaproos (demo)": [
        ("Seniorennamiddag met optreden", "culture", 1, "14:00", 180, "FREQ=MONTHLY;BYDAY=-1TU",
         {"cost": "paid", "price": 5, "age_group": "seniors", "hearing_loop": True}),
    ],
    "Kunstkring Het Penseel (demo)": [
        ("Open atelier: schilderen", "culture", 0, "19:00", 150, "FREQ=WEEKLY;BYDAY=MO",
         {"cost": "pay_what_you_can"}),
    ],
    "Bibliotheekpunt Oostakker (demo)": [
        ("Digitaal spreekuur", "learning", 2, "14:00", 120, "FREQ=WEEKLY;BYDAY=WE", {}),
        ("Online infosessie: je smartphone veilig gebruiken", "learning", 3, "19:00", 60, "",
         {"venue": "online", "registration_required": True, "capacity": 30}),
    ],
    "Dorpshuis De Drie Dorpen (demo)": [
        ("Donderdagcafé", "meal", 3, "14:00", 240, "FREQ=WEEKLY;BYDAY=TH",
         {"welcome_person": True}),
    ],
    "Natuurvrijwilligers Moervaart (demo)": [
        ("Natuurwerkdag langs de Moervaart", "volunteering", 5, "09:00", 240,
         "FREQ=MONTHLY;BYDAY=2SA", {"child_friendly": True}),
    ],
    "Buurtwerk Ledeberg Leeft (demo)": [
        ("Buurtfeest op het plein", "outing", 5, "15:00", 240, "",
         {"child_friendly": True, "wheelchair_accessible": True, "audience": "families"}),
    ],
    "Lokaal dienstencentrum Gentbrugge (demo)": [
        ("Valpreventie: bewegen voor 65-plussers", "sports", 4, "10:00", 60,
         "FREQ=WEEKLY;BYDAY=FR",
         {"cost": "paid", "price": 2, "reduced_rate": True, "age_group": "seniors"}),
    ],
    "Jeugdwerk De Schakel (demo)": [
        ("Huiswerkklas", "learning", 2, "13:30", 120, "FREQ=WEEKLY;BYDAY=WE",
         {"age_group": "youth", "quiet_space": True}),
    ],
    "Lotgenotengroep Leven met Pijn (demo)": [
        ("Lotgenotencontact: leven met pijn", "peer_group", 2, "14:00", 120,
         "FREQ=MONTHLY;BYDAY=2WE", {"audience": "peers", "quiet_space": True}),
    ],
    "Sociaal huis Ledeberg (demo)": [
        ("Zitdag huurpremie", "learning", 0, "09:00", 180, DATES, {"wheelchair_accessible": True}),
    ],
    "Tennisclub Open Net (demo)": [
        ("Kennismakingsles tennis", "sports", 5, "10:00", 90, "",
         {"cost": "paid", "price": 5, "reduced_rate": True, "registration_required": True,
         "capacity": 12}),
    ],
    "Walking Buddies Afsnee (demo)": [
        ("Walk with a buddy along the Leie", "outing", 6, "10:00", 90, "FREQ=WEEKLY;BYDAY=SU",
         {"no_dutch_needed": True, "languages": ["en", "nl"], "come_alone": True}),
    ],
    "Sociaal restaurant Het Dorpsbord (demo)": [
        ("Dorpsmaaltijd", "meal", 1, "12:00", 90, "FREQ=WEEKLY;BYDAY=TU,TH",
         {"cost": "pay_what_you_can", "come_alone": True}),
    ],
    "Language Exchange Technologiepark (demo)": [
        ("Lunchtime language exchange", "conversation", 4, "12:30", 60, "FREQ=WEEKLY;BYDAY=FR",
         {"no_dutch_needed": True, "languages": ["en", "nl", "fr"]}),
    ],
    "Klusjesdienst Helpende Handen (demo)": [
        ("Klusjesnamiddag: kleine herstellingen thuis", "volunteering", 2, "13:00", 180, DATES,
         {}),
    ],
}
# fmt: on
@functools.cache
def _by_kind() -> dict[str, Spec]:
    """For an association not in the table (one added later, or a test's): the first activity
    of the first demo association of its kind; of a community centre for "other"."""
    found: dict[str, Spec] = {}
    for spec in demo_organisation_specs():
        found.setdefault(spec["kind"], BY_ORGANISATION[spec["name"]][0])
    found.setdefault(Organisation.Kind.OTHER, found[Organisation.Kind.COMMUNITY_CENTRE])
    return found


def specs_for(organisation: Organisation) -> list[Spec]:
    """What a demo association has on the agenda: its own, or its kind's."""
    return BY_ORGANISATION.get(organisation.name) or [_by_kind()[organisation.kind]]


def _next_weekday(today: datetime.date, weekday: int) -> datetime.date:
    return today + datetime.timedelta(days=(weekday - today.weekday()) % 7 or 7)


@transaction.atomic
def activities_demo_seed(*, today: datetime.date | None = None) -> int:
    """The activities of every public demo association (specs_for); returns how many."""
    today = today or timezone.localdate()
    organisations = (
        Organisation.objects.public()
        .filter(is_demo=True)
        .exclude(slug__startswith=SCALE_SLUG_PREFIX)  # benchmark listings have no agenda
        .prefetch_related("network_models")
        .order_by("slug")
    )
    count = 0
    for organisation in organisations:
        models = [model.code for model in organisation.network_models.all()]
        specs = specs_for(organisation)
        for spec in specs:
            _activity_upsert(organisation, spec, today=today, network_models=models)
            count += 1
        # What an earlier demo gave it and it no longer does (a lunch at a theatre group).
        Activity.objects.filter(organisation=organisation, is_demo=True).exclude(
            title__in=[spec[0] for spec in specs]
        ).delete()
    return count


def _activity_upsert(organisation, spec: Spec, *, today, network_models) -> Activity:
    title, category, weekday, start, minutes, rule, extra = spec
    extra = dict(extra)
    day = _next_weekday(today, weekday)
    hour, minute = map(int, start.split(":"))
    starts_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))
    activity = Activity.objects.filter(organisation=organisation, title=title).first()
    activity = activity or Activity(organisation=organisation, title=title)
    activity.category = category
    activity.description = f"{title}. {organisation.name} nodigt je uit."
    activity.starts_at = starts_at
    activity.ends_at = starts_at + datetime.timedelta(minutes=minutes)
    activity.rrule = "" if rule == DATES else rule
    activity.extra_dates = (
        [(day + datetime.timedelta(weeks=w)).isoformat() for w in (3, 6)] if rule == DATES else []
    )
    # Weekly ones skip their third date: an exception date, as in real life.
    activity.exception_dates = (
        [(day + datetime.timedelta(weeks=2)).isoformat()] if "WEEKLY" in rule else []
    )
    venue = extra.pop("venue", Activity.Venue.ORGANISATION)
    if isinstance(venue, tuple):  # another address, with its point set by hand
        venue, street, postcode, lon, lat = venue
        activity.street_address, activity.postcode, activity.city = street, postcode, "Gent"
        activity.point = Point(lon, lat, srid=4326)
    activity.venue = venue
    languages = extra.pop("languages", ["nl"])
    activity.status = Activity.Status.PUBLISHED
    activity.is_demo = True
    for name, value in extra.items():
        setattr(activity, name, value)
    # "The first Monday of the month" starts on a first Monday, not the next Monday.
    activity_start_align(activity)
    return activity_save(activity=activity, languages=languages, network_models=network_models)
