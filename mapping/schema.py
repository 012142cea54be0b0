"""The single declaration of the data model of a "Mapa zasobów i potrzeb".

Everything else — storage tables, validation, forms, popups, export columns —
is derived from the ``LAYERS`` declared here.  Adding a field means adding one
``Field`` below; no other module lists fields by hand.

The model follows the OSL/CAL method: *obszary* (areas: cities, districts,
working areas), *zasoby* (resources), *potrzeby* (needs), *partnerstwa*,
*spotkania* (meetings) and *działania* (actions).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from mapping.plural import Forms

__all__ = [
    "ACTIONS",
    "ACTIVE_RESOURCE_STATUSES",
    "AREAS",
    "CATEGORIES",
    "DATE_MONTH_ONLY",
    "DATE_YEAR_ONLY",
    "EVERYONE",
    "LAYERS",
    "MEETINGS",
    "MEETING_MODE_SOURCE",
    "NEEDS",
    "NEED_STATUSES",
    "OPEN_NEED_STATUSES",
    "PARTNERSHIPS",
    "RECORD_FORMS",
    "RECORD_GENITIVE_FORMS",
    "RELATED_CATEGORIES",
    "RESOURCES",
    "RESOURCE_STATUSES",
    "SAMPLE_SOURCE",
    "SYSTEM_FIELDS",
    "TARGET_GROUPS",
    "TO_COMPLETE",
    "AreaKind",
    "Audience",
    "Choice",
    "Field",
    "FieldType",
    "Layer",
    "Visibility",
    "get_layer",
    "is_active_status",
    "is_open_status",
]


class Visibility(StrEnum):
    """Who may see a field.

    ``PUBLIC`` fields go into public maps and exports; ``TEAM`` fields are for
    the partnership's working team; ``PRIVATE`` fields (personal data under
    RODO) are shown only inside the app to editors and never exported to HTML.
    """

    PUBLIC = "public"
    TEAM = "team"
    PRIVATE = "private"


class Audience(StrEnum):
    """Who is looking at a map, a popup or an export."""

    PUBLIC = "public"
    TEAM = "team"
    EDITOR = "editor"

    def can_view(self, visibility: Visibility) -> bool:
        """Return whether this audience may see a field of ``visibility``.

        The rule: the public sees public fields; the team sees public and team
        fields; editors (inside the app) see everything, private included.
        """
        allowed = {
            Audience.PUBLIC: {Visibility.PUBLIC},
            Audience.TEAM: {Visibility.PUBLIC, Visibility.TEAM},
            Audience.EDITOR: set(Visibility),
        }
        return visibility in allowed[self]

    @property
    def label(self) -> str:
        """Who is looking, as the sidebar offers it ("zespół partnerstwa")."""
        return _AUDIENCE_LABELS[self]

    @property
    def version_label(self) -> str:
        """What a map or export made for this audience is called ("wersja publiczna")."""
        return _AUDIENCE_VERSIONS[self]


_AUDIENCE_LABELS = {
    Audience.EDITOR: "edytor (wszystkie pola)",
    Audience.TEAM: "zespół partnerstwa",
    Audience.PUBLIC: "publiczność",
}
_AUDIENCE_VERSIONS = {
    Audience.EDITOR: "wersja robocza (wszystkie pola)",
    Audience.TEAM: "wersja dla zespołu",
    Audience.PUBLIC: "wersja publiczna",
}


class AreaKind(StrEnum):
    """The kinds of area (the ``kind`` of the ``areas`` layer), in drawing order.

    A city is drawn first (underneath), then its districts, then working areas.
    """

    CITY = "miasto"
    DISTRICT = "dzielnica"
    WORKING_AREA = "obszar_roboczy"


#: The target-group code meaning "everyone": it matches every other group.
EVERYONE = "wszyscy"


class FieldType(StrEnum):
    """Kinds of values a field holds; each maps to one storage column type."""

    TEXT = "text"
    LONGTEXT = "longtext"
    CHOICE = "choice"
    MULTICHOICE = "multichoice"
    INTEGER = "integer"
    REAL = "real"
    DATE = "date"
    EMAIL = "email"
    PHONE = "phone"
    URL = "url"
    REFS = "refs"  # ids of records in another layer


@dataclass(frozen=True)
class Choice:
    """One allowed value: a stable ASCII code and its Polish and English labels.

    ``accusative`` is the label's accusative ("obsługuje seniorów"); empty
    when it is the label itself.
    """

    code: str
    label: str
    label_en: str
    accusative: str = ""

    @property
    def label_accusative(self) -> str:
        """The label in the accusative ("seniorów" for "seniorzy")."""
        return self.accusative or self.label


@dataclass(frozen=True)
class Field:
    """One attribute of a layer.

    Parameters
    ----------
    name : column name in storage and exports (ASCII, snake_case)
    label : Polish label shown in forms, popups and exports
    label_en : English label
    type : what kind of value it holds
    visibility : who may see it (see ``Visibility``)
    required : a record without it is rejected
    choices : allowed values for CHOICE and MULTICHOICE fields
    ref_layer : the layer REFS point into
    max_length : longest accepted text
    minimum : smallest accepted number
    help : one line of Polish help shown under the form field
    """

    name: str
    label: str
    label_en: str
    type: FieldType = FieldType.TEXT
    visibility: Visibility = Visibility.PUBLIC
    required: bool = False
    choices: tuple[Choice, ...] = ()
    ref_layer: str | None = None
    max_length: int = 500
    minimum: float | None = None
    help: str = ""

    def choice_label(self, code: str) -> str:
        """Return the Polish label of a choice code (the code itself if unknown)."""
        for choice in self.choices:
            if choice.code == code:
                return choice.label
        return code

    @property
    def codes(self) -> tuple[str, ...]:
        """The allowed choice codes, in declared order."""
        return tuple(c.code for c in self.choices)

    @property
    def ids_label(self) -> str:
        """The header of the column holding a REFS field's ids where its own shows names."""
        return f"{self.label} (id)"


#: Forms of "wpis" (a record of any layer): after a number, and after "z".
RECORD_FORMS = Forms("wpis", "wpisy", "wpisów")
RECORD_GENITIVE_FORMS = Forms("wpisu", "wpisów", "wpisów")


@dataclass(frozen=True)
class Layer:
    """A dataset: a table in the store, a layer on the map, a sheet in exports.

    ``geometry`` is None for attribute-only layers, otherwise the GeoPackage
    geometry type name.  ``title_field`` names the field used as the record's
    title in lists and popups; ``search_fields`` the fields the name/address
    search looks in (the title field when not given).  ``count_forms`` are
    the plural forms after a number ("1 zasób, 2 zasoby, 5 zasobów"),
    ``genitive_forms`` those after "z" ("z 1 zasobu, z 5 zasobów").
    ``default_status`` is the status a record gets when none is given.
    """

    name: str
    label: str
    label_en: str
    fields: tuple[Field, ...]
    geometry: str | None = None
    title_field: str = "name"
    geometry_required: bool = False
    extra: dict[str, str] = field(default_factory=dict)
    search_fields: tuple[str, ...] = ()
    count_forms: Forms = RECORD_FORMS
    genitive_forms: Forms = RECORD_GENITIVE_FORMS
    default_status: str | None = None

    def __post_init__(self) -> None:
        if not self.search_fields:
            object.__setattr__(self, "search_fields", (self.title_field,))
        # A typo in the vocabulary fails at import, not in a search or an import.
        for name in self.search_fields:
            self.field(name)
        if (
            self.default_status is not None
            and self.default_status not in self.field("status").codes
        ):
            raise ValueError(f"warstwa {self.name!r}: nieznany status {self.default_status!r}")

    def field(self, name: str) -> Field:
        """Return the field called ``name``; raise KeyError naming the layer."""
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"warstwa {self.name!r} nie ma pola {name!r}")

    def visible_fields(self, audience: Audience) -> tuple[Field, ...]:
        """Fields this audience may see, in declared order."""
        return tuple(f for f in self.fields if audience.can_view(f.visibility))

    @property
    def field_names(self) -> tuple[str, ...]:
        """Names of the declared (non-system) fields."""
        return tuple(f.name for f in self.fields)


def _choices(*rows: tuple[str, ...]) -> tuple[Choice, ...]:
    return tuple(Choice(*row) for row in rows)


# --- shared vocabularies ---------------------------------------------------

#: One taxonomy for resources and needs, so that needs can be matched with
#: resources that could answer them.
CATEGORIES = _choices(
    ("pomoc_spoleczna", "Pomoc społeczna i wsparcie rodzin", "Social assistance"),
    ("edukacja", "Edukacja i opieka nad dziećmi", "Education and childcare"),
    ("kultura", "Kultura i biblioteki", "Culture and libraries"),
    ("sport", "Sport i rekreacja", "Sport and recreation"),
    ("zdrowie", "Zdrowie", "Health"),
    ("miejsce_spotkan", "Miejsca spotkań i sale", "Meeting places and rooms"),
    ("zielen", "Zieleń i przestrzeń publiczna", "Green and public space"),
    ("religia", "Parafie i wspólnoty religijne", "Parishes and faith groups"),
    ("aktywnosc", "Aktywność obywatelska i integracja", "Civic activity and integration"),
    ("praca", "Praca i aktywizacja zawodowa", "Work and employment"),
    ("bezpieczenstwo", "Bezpieczeństwo", "Safety"),
    ("administracja", "Urzędy i sprawy administracyjne", "Public offices"),
    ("dziedzictwo", "Historia i dziedzictwo", "History and heritage"),
    ("mieszkalnictwo", "Mieszkalnictwo i otoczenie", "Housing and surroundings"),
    ("inne", "Inne", "Other"),
)

#: Categories whose resources can plausibly answer a need of another category
#: (used by matching): e.g. a need for a meeting room can be answered by a
#: library or a parish hall.
RELATED_CATEGORIES: dict[str, tuple[str, ...]] = {
    "miejsce_spotkan": ("kultura", "religia", "edukacja", "sport"),
    "aktywnosc": ("miejsce_spotkan", "kultura", "pomoc_spoleczna"),
    "edukacja": ("kultura",),
    "kultura": ("miejsce_spotkan", "edukacja"),
    "pomoc_spoleczna": ("zdrowie", "aktywnosc"),
    "sport": ("zielen",),
    "zielen": ("sport",),
}

TARGET_GROUPS = _choices(
    ("dzieci", "dzieci", "children"),
    ("mlodziez", "młodzież", "youth"),
    ("dorosli", "dorośli", "adults", "dorosłych"),
    ("seniorzy", "seniorzy", "seniors", "seniorów"),
    ("rodziny", "rodziny", "families"),
    ("niepelnosprawni", "osoby z niepełnosprawnościami", "people with disabilities"),
    (EVERYONE, "wszyscy", "everyone", "wszystkich"),
)

#: The status of a record stored with a classification nobody could tell
#: (an import row without kind or category): listed on "Aktualizacja" for completion.
TO_COMPLETE = "do_uzupelnienia"

#: The value of ``source`` that marks illustrative records (shown as such).
SAMPLE_SOURCE = "przykład"

#: The value of ``source`` of a meeting started on the projector page ("Spotkanie").
#: Such a meeting is open — resumed after a reload, one per partnership — until it
#: is closed, which records its number of participants (``mapping.meeting``).
MEETING_MODE_SOURCE = "tryb spotkania"

#: Words in ``source`` saying the source dates a record only to the month or the
#: year (a field report: "4 spotkania w 2015 r."): the record keeps the first day
#: of that period in ``date`` and reports show only the month or the year.
DATE_MONTH_ONLY = "źródło podaje tylko miesiąc"
DATE_YEAR_ONLY = "źródło podaje tylko rok"

_P, _T, _X = Visibility.PUBLIC, Visibility.TEAM, Visibility.PRIVATE
T = FieldType


def _common_tail() -> tuple[Field, ...]:
    return (
        Field(
            "source",
            "Źródło",
            "Source",
            help=f"Skąd pochodzi wpis; „{SAMPLE_SOURCE}” oznacza dane przykładowe.",
        ),
        Field("notes", "Uwagi zespołu", "Team notes", T.LONGTEXT, _T, max_length=4000),
    )


# --- layers ----------------------------------------------------------------

AREAS = Layer(
    "areas",
    "Obszary",
    "Areas",
    geometry="MULTIPOLYGON",
    count_forms=Forms("obszar", "obszary", "obszarów"),
    genitive_forms=Forms("obszaru", "obszarów", "obszarów"),
    fields=(
        Field("name", "Nazwa", "Name", required=True, max_length=200),
        Field(
            "kind",
            "Rodzaj obszaru",
            "Area kind",
            T.CHOICE,
            required=True,
            choices=_choices(
                (AreaKind.CITY.value, "miasto / gmina", "city / municipality"),
                (AreaKind.DISTRICT.value, "dzielnica", "district"),
                (AreaKind.WORKING_AREA.value, "obszar roboczy", "working area"),
            ),
        ),
        Field("city", "Miasto", "City", required=True, max_length=100),
        Field("teryt", "Kod TERYT", "TERYT code", max_length=10),
        Field("population", "Liczba mieszkańców", "Population", T.INTEGER, minimum=0),
        Field("population_year", "Rok danych o ludności", "Population year", T.INTEGER),
        Field("area_km2", "Powierzchnia [km²]", "Area [km²]", T.REAL, minimum=0),
        Field("osl_since", "Praca metodą OSL od roku", "OSL work since", T.INTEGER),
        *_common_tail(),
    ),
)

RESOURCE_KINDS = _choices(
    ("instytucja", "instytucja", "institution"),
    ("organizacja", "organizacja", "organisation"),
    ("miejsce", "miejsce", "place"),
    ("wydarzenie", "wydarzenie cykliczne", "recurring event"),
    ("osoba", "osoba / lider", "person / leader"),
    ("inne", "inne", "other"),
)

RESOURCE_STATUSES = _choices(
    ("aktywny", "aktywny", "active"),
    ("nieaktywny", "nieaktywny", "inactive"),
    ("archiwalny", "archiwalny", "archived"),
    (TO_COMPLETE, "do uzupełnienia", "to be completed"),
)
#: Resource statuses that count as active: the resource can answer a need.
ACTIVE_RESOURCE_STATUSES: tuple[str, ...] = ("aktywny",)

NEED_STATUSES = _choices(
    ("zgloszona", "zgłoszona", "reported"),
    ("w_realizacji", "w realizacji", "in progress"),
    ("zaspokojona", "zaspokojona", "met"),
    ("odrzucona", "odrzucona", "rejected"),
    (TO_COMPLETE, "do uzupełnienia", "to be completed"),
)
#: Need statuses that count as open: the need still waits for an answer (one
#: whose details are still to be completed was reported all the same).
OPEN_NEED_STATUSES: tuple[str, ...] = ("zgloszona", "w_realizacji", TO_COMPLETE)


def is_active_status(status: object) -> bool:
    """Whether a resource status counts as active (``ACTIVE_RESOURCE_STATUSES``)."""
    return status in ACTIVE_RESOURCE_STATUSES


def is_open_status(status: object) -> bool:
    """Whether a need status counts as open (``OPEN_NEED_STATUSES``)."""
    return status in OPEN_NEED_STATUSES


RESOURCES = Layer(
    "resources",
    "Zasoby",
    "Resources",
    geometry="POINT",
    search_fields=("name", "address", "subtype"),
    count_forms=Forms("zasób", "zasoby", "zasobów"),
    genitive_forms=Forms("zasobu", "zasobów", "zasobów"),
    default_status=RESOURCE_STATUSES[0].code,
    fields=(
        Field("name", "Nazwa", "Name", required=True, max_length=200),
        Field("kind", "Rodzaj", "Kind", T.CHOICE, required=True, choices=RESOURCE_KINDS),
        Field(
            "subtype",
            "Typ",
            "Type",
            max_length=100,
            help="Np. MOPS, szkoła, biblioteka, parafia, stowarzyszenie, KGW, świetlica.",
        ),
        Field("category", "Kategoria", "Category", T.CHOICE, required=True, choices=CATEGORIES),
        Field("target_groups", "Dla kogo", "Target groups", T.MULTICHOICE, choices=TARGET_GROUPS),
        Field("offer", "Oferta", "Offer", T.LONGTEXT, max_length=4000),
        Field("city", "Miasto", "City", required=True, max_length=100),
        Field("address", "Adres", "Address", max_length=300),
        Field("district", "Dzielnica", "District", max_length=100),
        Field("opening_hours", "Godziny otwarcia", "Opening hours", max_length=300),
        Field("accessibility", "Dostępność", "Accessibility", max_length=500),
        Field("website", "Strona www", "Website", T.URL),
        Field("phone", "Telefon kontaktowy", "Contact phone", T.PHONE, _T),
        Field("email", "E-mail kontaktowy", "Contact e-mail", T.EMAIL, _T),
        Field(
            "contact_person",
            "Osoba kontaktowa",
            "Contact person",
            visibility=_X,
            help="Dane osobowe — nigdy nie trafiają do publicznych map.",
        ),
        Field("skills", "Umiejętności (osoba)", "Skills (person)", T.LONGTEXT, _X),
        Field("availability", "Dostępność czasowa (osoba)", "Time available", visibility=_X),
        Field("partnerships", "Partnerstwa", "Partnerships", T.REFS, _T, ref_layer="partnerships"),
        Field("status", "Status", "Status", T.CHOICE, required=True, choices=RESOURCE_STATUSES),
        Field("last_verified", "Ostatnia weryfikacja", "Last verified", T.DATE),
        *_common_tail(),
    ),
)

NEEDS = Layer(
    "needs",
    "Potrzeby",
    "Needs",
    geometry="GEOMETRY",
    title_field="title",
    count_forms=Forms("potrzeba", "potrzeby", "potrzeb"),
    genitive_forms=Forms("potrzeby", "potrzeb", "potrzeb"),
    default_status=NEED_STATUSES[0].code,
    fields=(
        Field("title", "Potrzeba", "Need", required=True, max_length=200),
        Field("description", "Opis", "Description", T.LONGTEXT, max_length=4000),
        Field("category", "Kategoria", "Category", T.CHOICE, required=True, choices=CATEGORIES),
        Field("target_groups", "Dla kogo", "Target groups", T.MULTICHOICE, choices=TARGET_GROUPS),
        Field("city", "Miasto", "City", required=True, max_length=100),
        Field("district", "Dzielnica", "District", max_length=100),
        Field(
            "reported_by",
            "Kto zgłosił",
            "Reported by",
            T.CHOICE,
            choices=_choices(
                ("mieszkancy", "mieszkańcy", "residents"),
                ("partner", "partner", "partner"),
                ("diagnoza", "diagnoza", "assessment"),
                ("spotkanie", "spotkanie", "meeting"),
            ),
        ),
        Field("reporter_contact", "Kontakt do zgłaszającego", "Reporter contact", visibility=_X),
        Field("reported_on", "Data zgłoszenia", "Reported on", T.DATE),
        Field(
            "priority",
            "Priorytet",
            "Priority",
            T.CHOICE,
            choices=_choices(
                ("wysoki", "wysoki", "high"),
                ("sredni", "średni", "medium"),
                ("niski", "niski", "low"),
            ),
        ),
        Field("status", "Status", "Status", T.CHOICE, required=True, choices=NEED_STATUSES),
        Field(
            "linked_resources",
            "Powiązane zasoby",
            "Linked resources",
            T.REFS,
            _T,
            ref_layer="resources",
        ),
        Field("meeting", "Spotkanie", "Meeting", T.REFS, _T, ref_layer="meetings"),
        *_common_tail(),
    ),
)

PARTNERSHIPS = Layer(
    "partnerships",
    "Partnerstwa",
    "Partnerships",
    count_forms=Forms("partnerstwo", "partnerstwa", "partnerstw"),
    genitive_forms=Forms("partnerstwa", "partnerstw", "partnerstw"),
    fields=(
        Field("name", "Nazwa partnerstwa", "Name", required=True, max_length=200),
        Field("city", "Miasto", "City", required=True, max_length=100),
        Field("districts", "Dzielnice", "Districts", max_length=500),
        Field("signed_on", "Data podpisania", "Signed on", T.DATE),
        Field("coordinator", "Koordynator", "Coordinator", max_length=200),
        Field("members", "Członkowie", "Members", T.REFS, ref_layer="resources"),
        Field("description", "Opis", "Description", T.LONGTEXT, max_length=4000),
        *_common_tail(),
    ),
)

MEETINGS = Layer(
    "meetings",
    "Spotkania",
    "Meetings",
    title_field="title",
    count_forms=Forms("spotkanie", "spotkania", "spotkań"),
    genitive_forms=Forms("spotkania", "spotkań", "spotkań"),
    fields=(
        Field("title", "Temat spotkania", "Title", required=True, max_length=200),
        Field("date", "Data", "Date", T.DATE, required=True),
        Field("city", "Miasto", "City", required=True, max_length=100),
        Field("place", "Miejsce", "Place", max_length=300),
        Field("partnership", "Partnerstwo", "Partnership", T.REFS, ref_layer="partnerships"),
        Field("participants", "Liczba uczestników", "Participants", T.INTEGER, minimum=0),
        Field("decisions", "Ustalenia", "Decisions", T.LONGTEXT, _T, max_length=8000),
        Field("tasks", "Zadania i osoby odpowiedzialne", "Tasks", T.LONGTEXT, _T, max_length=8000),
        Field("plans", "Plany", "Plans", T.LONGTEXT, _T, max_length=8000),
        *_common_tail(),
    ),
)

ACTIONS = Layer(
    "actions",
    "Działania",
    "Actions",
    geometry="POINT",
    count_forms=Forms("działanie", "działania", "działań"),
    genitive_forms=Forms("działania", "działań", "działań"),
    fields=(
        Field("name", "Nazwa działania", "Name", required=True, max_length=200),
        Field("date", "Data", "Date", T.DATE, required=True),
        Field("city", "Miasto", "City", required=True, max_length=100),
        Field("district", "Dzielnica", "District", max_length=100),
        Field("place", "Miejsce", "Place", max_length=300),
        Field("partnership", "Partnerstwo", "Partnership", T.REFS, ref_layer="partnerships"),
        Field("partners", "Partnerzy", "Partners", T.REFS, ref_layer="resources"),
        Field("participants", "Liczba uczestników", "Participants", T.INTEGER, minimum=0),
        Field("target_groups", "Dla kogo", "Target groups", T.MULTICHOICE, choices=TARGET_GROUPS),
        Field("needs", "Odpowiada na potrzeby", "Answers needs", T.REFS, ref_layer="needs"),
        Field("description", "Opis", "Description", T.LONGTEXT, max_length=4000),
        *_common_tail(),
    ),
)

LAYERS: dict[str, Layer] = {
    layer.name: layer for layer in (AREAS, RESOURCES, NEEDS, PARTNERSHIPS, MEETINGS, ACTIONS)
}

#: Columns every stored record carries besides its declared fields.  The id and
#: version are public (no personal data): every export carries them, so a file
#: edited outside the app updates its records on re-import, with the version check.
SYSTEM_FIELDS: tuple[Field, ...] = (
    Field("id", "Identyfikator", "Id", visibility=_P),
    Field("version", "Wersja", "Version", T.INTEGER, _P),
    Field("created_at", "Utworzono", "Created", visibility=_T),
    Field("updated_at", "Zmieniono", "Updated", visibility=_T),
    Field("author", "Autor zmiany", "Changed by", visibility=_T),
    Field("archived_at", "Zarchiwizowano", "Archived", visibility=_T),
)


def get_layer(name: str) -> Layer:
    """Return the layer called ``name``; raise ValueError listing valid names."""
    try:
        return LAYERS[name]
    except KeyError:
        raise ValueError(f"Nieznana warstwa {name!r}; dostępne: {', '.join(LAYERS)}") from None
