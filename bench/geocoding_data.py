"""Generate a realistic synthetic gazetteer (BeST Address CSV) and messy queries with answers.

Streets are named the way Flemish and Brussels streets are (Kerkstraat, Kortrijksesteenweg,
Koning Albertlaan, Rue de la Loi / Wetstraat), laid out as straight lines around the real
postcodes of buurt/data/be_postcodes.csv, with house numbers every 8 m, some letters (12A) and
some boxes (bus 1..4). Brussels streets have a French and a Dutch name.

Queries are written the way people type them: abbreviations, typos of one or two letters,
no postcode (but the town), postcode first, no accents or capitals, the other language in
Brussels, boxes and number ranges. Each query carries the point it should find.

    python bench/geocoding_data.py --size 100000 --queries 1000 --out var/bench

No Django needed: this module only writes files.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import random
import sys
import time
import unicodedata
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POSTCODES_CSV = ROOT / "buurt" / "data" / "be_postcodes.csv"

BEST_COLUMNS = [
    "EPSG:31370_x",
    "EPSG:31370_y",
    "EPSG:4326_lat",
    "EPSG:4326_lon",
    "address_id",
    "box_number",
    "house_number",
    "municipality_id",
    "municipality_name_de",
    "municipality_name_fr",
    "municipality_name_nl",
    "postcode",
    "postname_fr",
    "postname_nl",
    "street_id",
    "streetname_de",
    "streetname_fr",
    "streetname_nl",
    "region_code",
    "status",
]

NL_PREFIXES = [
    "Kerk",
    "Molen",
    "School",
    "Stations",
    "Dorps",
    "Veld",
    "Hoog",
    "Nieuw",
    "Oude",
    "Lange",
    "Korte",
    "Zand",
    "Beek",
    "Bos",
    "Linden",
    "Eiken",
    "Berken",
    "Wilgen",
    "Populieren",
    "Rozen",
    "Tulpen",
    "Kastanje",
    "Sint-Pieters",
    "Sint-Jans",
    "Sint-Martens",
    "Sint-Amands",
    "Sint-Lievens",
    "Sint-Jozef",
    "Sint-Annas",
    "Onze-Lieve-Vrouw",
    "Kortrijkse",
    "Brugse",
    "Antwerpse",
    "Brusselse",
    "Gentse",
    "Oudenaardse",
    "Kasteel",
    "Abdij",
    "Begijnhof",
    "Brouwerij",
    "Smids",
    "Bakkers",
    "Vissers",
    "Wevers",
    "Vlas",
    "Hop",
    "Koren",
    "Gras",
    "Heide",
    "Meers",
    "Leie",
    "Schelde",
    "Dender",
    "Kouter",
    "Akker",
    "Hof",
    "Boomgaard",
    "Pastorij",
    "Zwaluwen",
    "Merel",
    "Vinken",
    "Spreeuwen",
    "Reigers",
    "Zonne",
    "Klaver",
    "Hazel",
    "Meidoorn",
    "Vlier",
    "Hulst",
    "Brem",
    "Eglantier",
    "Lelie",
    "Iris",
    "Dahlia",
    "Krekel",
    "Vlinder",
    "Bijen",
    "Hoeve",
    "Kapel",
    "Klooster",
    "Broeders",
    "Zusters",
    "Gasthuis",
    "Markt",
    "Vesting",
    "Wal",
    "Haven",
    "Sluis",
    "Brug",
    "Dijk",
    "Polder",
    "Beemd",
    "Kalk",
    "Steen",
    "Ijzer",
    "Koper",
    "Tin",
    "Goud",
    "Zilver",
    "Lood",
    "Kolen",
    "Water",
    "Vuur",
    "Wind",
    "Regen",
    "Sneeuw",
    "Winter",
    "Zomer",
    "Lente",
    "Herfst",
    "Noorder",
    "Zuider",
    "Ooster",
    "Wester",
    "Midden",
    "Kleine",
    "Grote",
    "Breed",
    "Smalle",
    "Bocht",
    "Kruis",
    "Ter",
    "Linde",
    "Ter",
    "Beke",
    "Ter",
    "Heide",
    "Ten",
    "Bosse",
    "Ten",
    "Hove",
    "Mulder",
    "Kuiper",
    "Timmer",
    "Schilders",
    "Ververs",
]
NL_PERSONS = [
    "Burgemeester Van Gansberghe",
    "Koning Albert",
    "Koningin Astrid",
    "Prins Boudewijn",
    "Pieter De Somer",
    "Jan Palfijn",
    "Emile Braun",
    "Frans Rens",
    "Karel Van de Woestijne",
    "Gustaaf Callier",
    "Hendrik Conscience",
    "Guido Gezelle",
    "Pater Damiaan",
    "Jozef Plateau",
    "Edward Anseele",
    "Frans Masereel",
    "Stijn Streuvels",
    "Cyriel Buysse",
    "Maurice Maeterlinck",
    "Virginie Loveling",
    "Leo Baekeland",
    "Jacob Van Artevelde",
    "Karel Miry",
    "Willem Tell",
    "Jan Frans Willems",
    "Paul De Smet de Naeyer",
    "Professor Laurent",
    "Generaal Lemanier",
    "Doctor Roux",
    "Gebroeders Van Eyck",
]
NL_SUFFIXES = [
    ("straat", 40),
    ("laan", 14),
    ("steenweg", 5),
    ("plein", 4),
    ("dreef", 5),
    ("weg", 8),
    ("kaai", 2),
    ("hof", 3),
    ("wegel", 3),
    ("dries", 2),
    ("pad", 2),
    ("vest", 1),
    ("lei", 2),
]
# Brussels: French name and its Dutch twin.
FR_NOUNS = [
    ("de la Loi", "Wet"),
    ("du Moulin", "Molen"),
    ("de l'Église", "Kerk"),
    ("de la Station", "Stations"),
    ("du Château", "Kasteel"),
    ("de la Fontaine", "Fontein"),
    ("de la Forêt", "Woud"),
    ("du Marché", "Markt"),
    ("de la Paix", "Vrede"),
    ("du Prince", "Prins"),
    ("de la Reine", "Koningin"),
    ("du Roi", "Konings"),
    ("de la Source", "Bron"),
    ("des Tilleuls", "Linden"),
    ("des Chênes", "Eiken"),
    ("des Bouleaux", "Berken"),
    ("des Roses", "Rozen"),
    ("des Bateliers", "Schippers"),
    ("du Lombard", "Lombard"),
    ("des Fripiers", "Kleerkopers"),
    ("de la Colline", "Heuvel"),
    ("du Midi", "Zuid"),
    ("de Flandre", "Vlaanderen"),
    ("de Namur", "Naamse"),
    ("de Louvain", "Leuvense"),
    ("de Mons", "Bergense"),
    ("de Ninove", "Ninoofse"),
    ("de Gand", "Gentse"),
    ("de Waterloo", "Waterloose"),
    ("d'Anvers", "Antwerpse"),
    ("des Alliés", "Bondgenoten"),
    ("des Arts", "Kunst"),
    ("des Sciences", "Wetenschaps"),
    ("de la Couronne", "Kroon"),
    ("du Trône", "Troon"),
    ("de la Victoire", "Overwinning"),
    ("des Écoles", "Scholen"),
    ("de l'Abbaye", "Abdij"),
    ("du Couvent", "Klooster"),
    ("des Carmes", "Karmelieten"),
    ("de la Brasserie", "Brouwerij"),
    ("des Pêcheurs", "Vissers"),
    ("des Tanneurs", "Huidevetters"),
    ("du Canal", "Kanaal"),
    ("de la Senne", "Zenne"),
    ("du Parc", "Park"),
    ("des Prés", "Weiden"),
    ("des Champs", "Velden"),
    ("du Bois", "Bos"),
    ("de la Ferme", "Hoeve"),
    ("des Saules", "Wilgen"),
    ("des Peupliers", "Populieren"),
    ("des Lilas", "Seringen"),
    ("des Cerisiers", "Kersenbomen"),
    ("Saint-Pierre", "Sint-Pieters"),
    ("Saint-Jean", "Sint-Jans"),
    ("Saint-Michel", "Sint-Michiels"),
    ("Sainte-Catherine", "Sint-Katelijne"),
    ("Saint-Lambert", "Sint-Lambertus"),
    ("Saint-Antoine", "Sint-Antonius"),
]
FR_TYPES = [
    ("Rue", "straat", 50),
    ("Avenue", "laan", 25),
    ("Chaussée", "steenweg", 6),
    ("Place", "plein", 5),
    ("Boulevard", "laan", 4),
    ("Drève", "dreef", 3),
    ("Quai", "kaai", 2),
]


@dataclass
class Postcode:
    postcode: str
    name: str
    municipality_nl: str
    municipality_fr: str
    lat: float
    lon: float

    @property
    def brussels(self) -> bool:
        return 1000 <= int(self.postcode) < 1300


@dataclass
class Address:
    id: int
    street_nl: str
    street_fr: str
    number: str
    box: str
    postcode: Postcode
    lat: float
    lon: float


def read_postcodes() -> list[Postcode]:
    with open(POSTCODES_CSV, encoding="utf-8", newline="") as handle:
        return [
            Postcode(
                r["postcode"],
                r["name"],
                r["municipality_nl"],
                r["municipality_fr"],
                float(r["lat"]),
                float(r["lon"]),
            )
            for r in csv.DictReader(handle)
        ]


def weighted(rng: random.Random, pairs):
    names, weights = zip(*pairs, strict=True)
    return rng.choices(names, weights=weights)[0]


def street_name(rng: random.Random, brussels: bool) -> tuple[str, str]:
    """(Dutch name, French name or "")."""
    if brussels:
        noun_fr, noun_nl = rng.choice(FR_NOUNS)
        kind_fr, kind_nl, _ = rng.choices(FR_TYPES, weights=[t[2] for t in FR_TYPES])[0]
        return f"{noun_nl}{kind_nl}", f"{kind_fr} {noun_fr}"
    suffix = weighted(rng, NL_SUFFIXES)
    if rng.random() < 0.12:
        return f"{rng.choice(NL_PERSONS)}{suffix}", ""
    prefix = rng.choice(NL_PREFIXES)
    if rng.random() < 0.15:
        prefix = rng.choice(["Nieuwe ", "Oude ", "Kleine ", "Grote "]) + prefix.lower()
        prefix = prefix[0] + prefix[1:]
    return f"{prefix}{suffix}", ""


def iter_addresses(size: int, seed: int = 7) -> Iterator[Address]:
    """The gazetteer, one address at a time (ids 1..size in order): nothing kept but the
    street names already used per postcode, so that 10 million addresses stream."""
    rng = random.Random(seed)
    postcodes = read_postcodes()
    # Gent and Brussels (the demo's cities) get more streets than the rest.
    weights = [4 if p.postcode.startswith(("9", "1")) else 1 for p in postcodes]
    made_so_far = 0
    used: dict[str, set[str]] = {p.postcode: set() for p in postcodes}
    next_id = 1
    while made_so_far < size:
        pc = rng.choices(postcodes, weights=weights)[0]
        for _ in range(20):
            dutch, french = street_name(rng, pc.brussels)
            if dutch not in used[pc.postcode] and (not french or french not in used[pc.postcode]):
                break
        else:
            continue
        used[pc.postcode].update({dutch, french} - {""})
        count = min(size - made_so_far, max(4, int(rng.lognormvariate(3.4, 0.8))))
        # A straight street starting within ~3 km of the postcode centre.
        lat0 = pc.lat + rng.uniform(-0.025, 0.025)
        lon0 = pc.lon + rng.uniform(-0.04, 0.04)
        bearing = rng.uniform(0, math.pi)
        step = 8.0  # metres between numbers on one side
        dlat = step * math.cos(bearing) / 111_320
        dlon = step * math.sin(bearing) / (111_320 * math.cos(math.radians(lat0)))
        side = 0.00012  # ~12 m across the street
        number = 1
        made = 0
        while made < count:
            odd = number % 2 == 1
            k = (number - 1) // 2
            lat = lat0 + k * dlat + (side if odd else -side) * math.sin(bearing)
            lon = lon0 + k * dlon - (side if odd else -side) * math.cos(bearing)
            house = str(number)
            boxes = [""]
            roll = rng.random()
            if roll < 0.06:
                boxes = ["", *[str(b) for b in range(1, rng.randint(2, 5))]]
            elif roll < 0.09:
                house = f"{number}{rng.choice('AB')}"
            for box in boxes:
                if made >= count:
                    break
                yield Address(next_id, dutch, french, house, box, pc, round(lat, 7), round(lon, 7))
                next_id += 1
                made += 1
                made_so_far += 1
            number += 1 if rng.random() < 0.8 else 2


def generate(size: int, seed: int = 7) -> list[Address]:
    """The gazetteer as a list: for small sizes (tests); main() streams."""
    return list(iter_addresses(size, seed))


class AddressTable(Sequence):
    """Addresses kept as columns (about 30 bytes each instead of ~350 as objects), so that
    queries can be drawn from 10 million of them; rows come back as Address (id = index + 1).
    `with_box` and `bilingual` are the rows the box and other-language queries draw from."""

    def __init__(self, addresses: Iterable[Address] = ()):
        self._streets: list[tuple[str, str, Postcode]] = []
        self._street = array("I")
        self._number = array("I")
        self._letter = array("B")
        self._box = array("B")
        self._lat = array("d")
        self._lon = array("d")
        self._with_box = array("I")
        self._bilingual = array("I")
        for address in addresses:
            self.append(address)

    def append(self, a: Address) -> None:
        index = len(self._lat)
        if a.id != index + 1:
            raise ValueError("ids must run 1, 2, 3, ... in order")
        last = self._streets[-1] if self._streets else None
        if last is None or (last[0], last[1], last[2].postcode) != (
            a.street_nl,
            a.street_fr,
            a.postcode.postcode,
        ):
            self._streets.append((a.street_nl, a.street_fr, a.postcode))
        self._street.append(len(self._streets) - 1)
        digits = a.number.rstrip("AB")
        self._number.append(int(digits))
        self._letter.append(ord(a.number[len(digits) :] or "\0"))
        self._box.append(int(a.box or 0))
        self._lat.append(a.lat)
        self._lon.append(a.lon)
        if a.box:
            self._with_box.append(index)
        if a.street_fr:
            self._bilingual.append(index)

    def __len__(self) -> int:
        return len(self._lat)

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        dutch, french, pc = self._streets[self._street[index]]
        letter = self._letter[index]
        box = self._box[index]
        return Address(
            index + 1,
            dutch,
            french,
            f"{self._number[index]}{chr(letter) if letter else ''}",
            str(box) if box else "",
            pc,
            self._lat[index],
            self._lon[index],
        )

    @property
    def with_box(self) -> Sequence[Address]:
        return _Rows(self, self._with_box)

    @property
    def bilingual(self) -> Sequence[Address]:
        return _Rows(self, self._bilingual)


class _Rows(Sequence):
    def __init__(self, table: AddressTable, indices: array):
        self._table, self._indices = table, indices

    def __len__(self) -> int:
        return len(self._indices)

    def __getitem__(self, i):  # type: ignore[override]
        return self._table[self._indices[i]]


class BestWriter:
    """Writes BeST CSV rows one address at a time; `lambert_share` of the rows only carry
    Lambert 72 (reprojected by the import)."""

    def __init__(self, handle, *, lambert_share: float = 0.0):
        self._from_wgs84 = _lambert72_converter() if lambert_share else None
        self._lambert_share = lambert_share
        self._rng = random.Random(11)
        self._writer = csv.writer(handle)
        self._writer.writerow(BEST_COLUMNS)

    def write(self, a: Address) -> None:
        pc = a.postcode
        x = y = lat = lon = ""
        if self._from_wgs84 and self._rng.random() < self._lambert_share:
            x, y = (f"{v:.3f}" for v in self._from_wgs84(a.lon, a.lat))
        else:
            lat, lon = a.lat, a.lon
        brussels = pc.brussels
        self._writer.writerow(
            [
                x,
                y,
                lat,
                lon,
                a.id,
                a.box,
                a.number,
                "0",
                "",
                pc.municipality_fr,
                pc.municipality_nl,
                pc.postcode,
                pc.municipality_fr if brussels else "",
                pc.name,
                "0",
                "",
                a.street_fr,
                a.street_nl,
                "BE-BRU" if brussels else "BE-VLG",
                "current",
            ]
        )


def write_best(addresses: Iterable[Address], path: Path, *, lambert_share: float = 0.0) -> None:
    """BeST CSV; `lambert_share` of rows only carry Lambert 72 (reprojected by the import)."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = BestWriter(handle, lambert_share=lambert_share)
        for address in addresses:
            writer.write(address)


def _lambert72_converter():
    """lon/lat (EPSG:4326) -> Lambert 72 x/y, through GDAL as Django wraps it."""
    from django.contrib.gis.gdal import CoordTransform, OGRGeometry, SpatialReference

    transform = CoordTransform(SpatialReference(4326), SpatialReference(31370))

    def convert(lon, lat):
        point = OGRGeometry(f"POINT ({lon!r} {lat!r})", srs=4326)
        point.transform(transform)
        return point.x, point.y

    return convert


# --- messy queries ------------------------------------------------------------------------

ABBREVIATIONS = [
    ("straat", "str."),
    ("steenweg", "stwg."),
    ("laan", "ln."),
    ("Sint-", "St-"),
    ("Onze-Lieve-Vrouw", "O.L.V."),
    ("Burgemeester ", "Burg. "),
    ("Avenue ", "Av. "),
    ("Chaussée ", "Ch. "),
    ("Boulevard ", "Bd "),
    ("Professor ", "Prof. "),
]


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def typo(rng: random.Random, name: str, edits: int) -> str:
    letters = list(name)
    for _ in range(edits):
        positions = [i for i, c in enumerate(letters) if c.isalpha() and i > 1]
        if not positions:
            break
        i = rng.choice(positions)
        kind = rng.choice(["drop", "swap", "replace", "double"])
        if kind == "drop":
            del letters[i]
        elif kind == "swap" and i + 1 < len(letters) and letters[i + 1].isalpha():
            letters[i], letters[i + 1] = letters[i + 1], letters[i]
        elif kind == "replace":
            letters[i] = rng.choice("aeiourstnl")
        else:
            letters.insert(i, letters[i])
    return "".join(letters)


def place_name(pc: Postcode, *, french: bool) -> str:
    if french and pc.municipality_fr:
        return pc.municipality_fr if pc.name == pc.municipality_nl else pc.name
    return pc.name


def messy_queries(addresses: Sequence[Address], count: int, seed: int = 3) -> list[dict]:
    rng = random.Random(seed)
    kinds = [
        "exact",
        "abbreviation",
        "typo1",
        "typo2",
        "no_postcode",
        "postcode_first",
        "lowercase_no_accents",
        "other_language",
        "box",
        "range",
    ]
    # Street names that exist twice under one place name cannot be told apart without the
    # postcode: leave those out of the queries that drop it.
    queries = []
    table = addresses if isinstance(addresses, AddressTable) else AddressTable(addresses)
    with_box, bilingual = table.with_box, table.bilingual
    for i in range(count):
        kind = kinds[i % len(kinds)]
        pool = (
            with_box
            if kind == "box" and with_box
            else bilingual
            if kind == "other_language" and bilingual
            else addresses
        )
        a = rng.choice(pool)
        pc = a.postcode
        french = bool(a.street_fr) and (kind == "other_language" or rng.random() < 0.5)
        street = a.street_fr if french else a.street_nl
        if kind == "other_language":
            street, french = (a.street_nl, False) if rng.random() < 0.5 else (a.street_fr, True)
        place = place_name(pc, french=french)
        box = ""
        if a.box:
            box = rng.choice([f" bus {a.box}", f" b{a.box}", f"/{a.box}", f" bte {a.box}"])
        number = a.number
        if kind == "range" and number.isdigit():
            number = f"{number}-{int(number) + 2}"
        if kind == "abbreviation":
            options = [(f, s) for f, s in ABBREVIATIONS if f in street]
            if options:
                full, short = rng.choice(options)
                street = street.replace(full, short)
        elif kind == "typo1":
            street = typo(rng, street, 1)
        elif kind == "typo2":
            street = typo(rng, street, 2)
        if kind == "no_postcode":
            text = f"{street} {number}{box}, {place}"
        elif kind == "postcode_first":
            text = f"{pc.postcode} {place}, {street} {number}{box}"
        else:
            text = f"{street} {number}{box}, {pc.postcode} {place}"
        if kind == "lowercase_no_accents":
            text = strip_accents(text).lower().replace("-", " ")
        queries.append({"q": text, "kind": kind, "lat": a.lat, "lon": a.lon, "id": a.id})
    return queries


def autocomplete_prefixes(addresses: Sequence[Address], count: int, seed: int = 5) -> list[str]:
    """What people have typed so far: part of a street name, sometimes a number after it."""
    rng = random.Random(seed)
    prefixes = []
    for _ in range(count):
        a = rng.choice(addresses)
        street = a.street_fr if a.street_fr and rng.random() < 0.5 else a.street_nl
        cut = rng.randint(3, max(3, len(street)))
        text = street[:cut]
        if cut == len(street) and rng.random() < 0.5:
            text += f" {a.number[:1]}"
        prefixes.append(text)
    return prefixes


class AddokWriter:
    """The same addresses as addok documents: one per street and language, numbers nested.
    A street's addresses come one after the other, so a street is written when the next
    begins (call close() at the end)."""

    def __init__(self, handle):
        self._handle = handle
        self._docs: dict[tuple, dict] = {}
        self._written = 0

    def write(self, a: Address) -> None:
        for name, lang in ((a.street_nl, "nl"), (a.street_fr, "fr")):
            if not name:
                continue
            key = (a.postcode.postcode, name)
            doc = self._docs.get(key)
            if doc is None:
                if lang == "nl":
                    self._flush()
                city = a.postcode.municipality_fr if lang == "fr" else a.postcode.municipality_nl
                doc = self._docs[key] = {
                    "id": f"{a.postcode.postcode}-{self._written + len(self._docs)}",
                    "type": "street",
                    "name": name,
                    "postcode": a.postcode.postcode,
                    "city": city,
                    "context": a.postcode.name,
                    "lat": a.lat,
                    "lon": a.lon,
                    "importance": 0.5,
                    "housenumbers": {},
                }
            # addok knows house numbers, not boxes: a box shares its building's point.
            doc["housenumbers"].setdefault(a.number, {"lat": a.lat, "lon": a.lon})

    def _flush(self) -> None:
        for doc in self._docs.values():
            self._handle.write(json.dumps(doc, ensure_ascii=False) + "\n")
        self._written += len(self._docs)
        self._docs = {}

    def close(self) -> None:
        self._flush()


def write_addok(addresses: Iterable[Address], path: Path) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        writer = AddokWriter(handle)
        for address in addresses:
            writer.write(address)
        writer.close()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "bench")
    parser.add_argument("--lambert-share", type=float, default=0.1)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    stem = f"gazetteer-{args.size}"
    # One pass: the rows go to both files and to a compact table for drawing the queries.
    table = AddressTable()
    started = time.monotonic()
    with (
        open(args.out / f"{stem}.csv", "w", encoding="utf-8", newline="") as best_file,
        open(args.out / f"{stem}.addok.jsonl", "w", encoding="utf-8") as addok_file,
    ):
        best = BestWriter(best_file, lambert_share=args.lambert_share)
        addok = AddokWriter(addok_file)
        for address in iter_addresses(args.size):
            best.write(address)
            addok.write(address)
            table.append(address)
            if address.id % 1_000_000 == 0:
                print(
                    f"generated {address.id:,} of {args.size:,} addresses "
                    f"({time.monotonic() - started:.0f} s)",
                    file=sys.stderr,
                    flush=True,
                )
        addok.close()
    (args.out / f"{stem}.queries.json").write_text(
        json.dumps(
            {
                "queries": messy_queries(table, args.queries),
                "autocomplete": autocomplete_prefixes(table, args.queries),
            },
            ensure_ascii=False,
            indent=0,
        ),
        encoding="utf-8",
    )
    print(args.out / f"{stem}.csv")


if __name__ == "__main__":
    main()
