"""The pages benchmark on 5 extra listings, so that it cannot rot. (The benchmark itself is
run by hand: see bench/README.md.)"""

import json

import pytest

from bench import pages

pytestmark = pytest.mark.django_db


def test_a_tiny_run(tmp_path):
    rows = pages.main(["--listings", "5", "--label", "test", "--results", str(tmp_path)])
    assert [row["page"] for row in rows] == ["home", "neighbourhood"]
    assert all(row["gzip_bytes"] < row["bytes"] for row in rows)
    assert json.loads((tmp_path / "pages-test.json").read_text()) == rows
