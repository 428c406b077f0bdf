"""A small hand-made gazetteer in the BeST Address CSV shape: real streets in Gent, the
Wetstraat / Rue de la Loi in Brussels (Dutch and French names of one street) and the
Onze-Lieve-Vrouwestraat in Mechelen. Points are EPSG:4326 (lat, lon), placed by hand near the
real buildings; tests compare against these same numbers, not against the real world."""

from pathlib import Path

from buurt.geocoding.importer import addresses_import

BEST_HEADER = (
    "EPSG:31370_x,EPSG:31370_y,EPSG:4326_lat,EPSG:4326_lon,address_id,box_number,"
    "house_number,municipality_id,municipality_name_de,municipality_name_fr,"
    "municipality_name_nl,postcode,postname_fr,postname_nl,street_id,streetname_de,"
    "streetname_fr,streetname_nl,region_code,status"
)

# (id, street nl, street fr, number, box, postcode, postal name, municipality nl, fr, lat, lon)
ADDRESSES = [
    (1, "Sint-Pietersnieuwstraat", "", "33", "", "9000", "Gent", "Gent", "Gand", 51.04480, 3.72530),
    (
        2,
        "Sint-Pietersnieuwstraat",
        "",
        "33",
        "2",
        "9000",
        "Gent",
        "Gent",
        "Gand",
        51.04482,
        3.72532,
    ),
    (3, "Sint-Pietersnieuwstraat", "", "41", "", "9000", "Gent", "Gent", "Gand", 51.04430, 3.72580),
    (
        4,
        "Sint-Pietersnieuwstraat",
        "",
        "12A",
        "",
        "9000",
        "Gent",
        "Gent",
        "Gand",
        51.04620,
        3.72480,
    ),
    (5, "Sint-Pietersnieuwstraat", "", "12", "", "9000", "Gent", "Gent", "Gand", 51.04630, 3.72470),
    (6, "Korenmarkt", "", "1", "", "9000", "Gent", "Gent", "Gand", 51.05430, 3.71960),
    (7, "Korenmarkt", "", "5", "", "9000", "Gent", "Gent", "Gand", 51.05450, 3.71990),
    (8, "Veldstraat", "", "33", "", "9000", "Gent", "Gent", "Gand", 51.05180, 3.72100),
    (9, "Veldstraat", "", "35", "", "9000", "Gent", "Gent", "Gand", 51.05170, 3.72110),
    (10, "Kortrijksesteenweg", "", "100", "", "9000", "Gent", "Gent", "Gand", 51.03800, 3.70900),
    (11, "Kortrijksesteenweg", "", "102", "", "9000", "Gent", "Gent", "Gand", 51.03790, 3.70890),
    (12, "Frère-Orbanlaan", "", "10", "", "9000", "Gent", "Gent", "Gand", 51.04280, 3.73300),
    (
        13,
        "Brusselsesteenweg",
        "",
        "100",
        "",
        "9050",
        "Gentbrugge",
        "Gent",
        "Gand",
        51.03500,
        3.74900,
    ),
    (14, "Kerkstraat", "", "5", "", "9030", "Mariakerke", "Gent", "Gand", 51.07300, 3.67900),
    (15, "Kerkstraat", "", "5", "", "9050", "Gentbrugge", "Gent", "Gand", 51.03900, 3.76100),
    (
        16,
        "Wetstraat",
        "Rue de la Loi",
        "16",
        "",
        "1000",
        "Brussel",
        "Brussel",
        "Bruxelles",
        50.84590,
        4.36610,
    ),
    (
        17,
        "Onze-Lieve-Vrouwestraat",
        "",
        "1",
        "",
        "2800",
        "Mechelen",
        "Mechelen",
        "Malines",
        51.02660,
        4.48000,
    ),
]
KORENMARKT_1 = (51.05430, 3.71960)
WETSTRAAT_16 = (50.84590, 4.36610)


def best_csv(rows=ADDRESSES, *, status="current") -> str:
    lines = [BEST_HEADER]
    for pk, nl, fr, number, box, postcode, postal, mun_nl, mun_fr, lat, lon in rows:
        region = "BE-BRU" if postcode.startswith("1") else "BE-VLG"
        postal_fr = postal if region == "BE-BRU" and fr else ""
        lines.append(
            f",,{lat},{lon},{pk},{box},{number},0,,{mun_fr},{mun_nl},{postcode},{postal_fr},"
            f"{postal},{pk},,{fr},{nl},{region},{status}"
        )
    return "\n".join(lines) + "\n"


def load_gazetteer(tmp_path: Path):
    path = tmp_path / "gazetteer.csv"
    path.write_text(best_csv(), encoding="utf-8")
    report = addresses_import(path, fmt="best")
    assert report.bad == 0, report.bad_lines
    return report
