"""The geocoding benchmark's generator and runner, on 200 addresses, so they cannot rot.
(The benchmark itself is run by hand: see bench/README.md.)"""

import json

import pytest

from bench import geocoding, geocoding_data
from buurt.geocoding.importer import addresses_import

pytestmark = pytest.mark.django_db


def test_generator_and_a_tiny_run(tmp_path):
    addresses = geocoding_data.generate(200)
    assert len(addresses) == 200
    assert any(a.street_fr for a in addresses)  # Brussels streets have both names
    csv_path = tmp_path / "gazetteer.csv"
    geocoding_data.write_best(addresses, csv_path, lambert_share=0.2)
    geocoding_data.write_addok(addresses, tmp_path / "docs.jsonl")
    data = {
        "queries": geocoding_data.messy_queries(addresses, 40),
        "autocomplete": geocoding_data.autocomplete_prefixes(addresses, 20),
    }
    assert {q["kind"] for q in data["queries"]} >= {"typo2", "no_postcode", "other_language"}

    report = addresses_import(csv_path, fmt="best")
    assert (report.imported, report.bad) == (200, 0)

    exact = geocoding.exact_texts(csv_path, {q["id"] for q in data["queries"]})
    asked = addresses[data["queries"][0]["id"] - 1]
    assert exact[asked.id] == (
        f"{asked.street_nl} {asked.number}, {asked.postcode.postcode} {asked.postcode.name}"
    )
    ours = geocoding.run_ours(data, exact)
    top1, by_kind = geocoding.accuracy(data["queries"], ours["answers"])
    assert top1 >= 90, by_kind
    result = {
        "backend": "test",
        "size": 200,
        "queries": 40,
        "import": None,
        "machine": "test",
        "addok": None,
        "ours": {
            "exact_p50_ms": geocoding.pct(ours["exact_ms"], 0.5),
            "exact_p95_ms": geocoding.pct(ours["exact_ms"], 0.95),
            "search_p50_ms": geocoding.pct(ours["search_ms"], 0.5),
            "search_p95_ms": geocoding.pct(ours["search_ms"], 0.95),
            "autocomplete_p50_ms": geocoding.pct(ours["autocomplete_ms"], 0.5),
            "autocomplete_p95_ms": geocoding.pct(ours["autocomplete_ms"], 0.95),
            "top1_within_25m_pct": top1,
            "top1_by_kind_pct": by_kind,
        },
    }
    table = geocoding.markdown(result)
    assert "| top-1 within 25 m |" in table
    json.dumps(result)


def test_reprojected_rows_of_the_generated_file_land_on_their_address(tmp_path):
    addresses = geocoding_data.generate(50)
    csv_path = tmp_path / "lambert.csv"
    geocoding_data.write_best(addresses, csv_path, lambert_share=1.0)
    addresses_import(csv_path, fmt="best")
    from buurt.models import Address

    for address in addresses[:10]:
        stored = Address.objects.get(
            source_id=f"best:BE-{'BRU' if address.postcode.brussels else 'VLG'}:{address.id}"
        )
        assert geocoding.metres(stored.point.y, stored.point.x, address.lat, address.lon) < 0.01
