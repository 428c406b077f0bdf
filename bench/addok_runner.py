"""Run by bench/geocoding.py with addok's own Python (addok pins redis 6, which the project's
celery[redis] cannot share): load the addresses into addok, ask it the queries, print JSON.

    ADDOK_REDIS_DB=14 var/addok-venv/bin/python bench/addok_runner.py DOCS.jsonl QUERIES.json

Redis: 127.0.0.1:6379, database ADDOK_REDIS_DB (default 14) for indexes and documents; that
database is emptied first. Nothing else in Redis is touched.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CONFIG = """
REDIS = {{
    "host": "127.0.0.1",
    "port": 6379,
    "indexes": {{"db": {db}}},
    "documents": {{"db": {db}}},
}}
BATCH_WORKERS = 1
SYNONYMS_PATHS = [{synonyms!r}]
ATTRIBUTION = "synthetic"
LICENCE = "none"
PROCESSORS_PYPATHS = [
    "addok.helpers.text.tokenize",
    "addok.helpers.text.normalize",
    "addok_be.flag_housenumber",
    "addok.helpers.text.synonymize",
]
"""
# addok's own flagging only knows the French order ("12 rue X"); Belgian and Dutch addresses
# put the number after the street. The first number of up to three digits (and a letter) is
# the house number; four digits are postcodes. Without this addok answers with the street.
PLUGIN = """import re


def flag_housenumber(tokens):
    # The first number after a word is the house number; later ones (a box, the end of a
    # range "12-14") stay ordinary tokens.
    flagged = False
    for token in tokens:
        if not flagged and re.fullmatch(r"[0-9]{1,3}[a-z]?", str(token)):
            token.kind = "housenumber"
            flagged = True
        yield token
"""
# The same whole-word abbreviations our normaliser knows, so the comparison is fair.
SYNONYMS = """st, saint => sint
stwg => steenweg
str => straat
ln => laan
av => avenue
bd => boulevard
ch => chaussee
burg => burgemeester
prof => professor
"""


def main(docs: str, queries_path: str) -> None:
    db = int(os.environ.get("ADDOK_REDIS_DB", "14"))
    if db in (0, 15):
        sys.exit("refusing to use Redis database 0 or 15")
    with tempfile.TemporaryDirectory(prefix="addok-bench-") as workdir:
        run(Path(workdir), db, docs, queries_path)


def run(workdir: Path, db: int, docs: str, queries_path: str) -> None:
    synonyms = workdir / "synonyms.txt"
    synonyms.write_text(SYNONYMS, encoding="utf-8")
    config = workdir / "addok_bench_config.py"
    config.write_text(CONFIG.format(db=db, synonyms=str(synonyms)), encoding="utf-8")
    (workdir / "addok_be.py").write_text(PLUGIN, encoding="utf-8")
    sys.path.insert(0, str(workdir))
    env = dict(os.environ, ADDOK_CONFIG_MODULE=str(config), PYTHONPATH=str(workdir))
    addok = str(Path(sys.executable).parent / "addok")

    started = time.perf_counter()
    subprocess.run([addok, "reset", "--force"], env=env, check=True, capture_output=True)
    subprocess.run([addok, "batch", docs], env=env, check=True, capture_output=True)
    subprocess.run([addok, "ngrams"], env=env, check=True, capture_output=True)
    load_s = time.perf_counter() - started

    os.environ["ADDOK_CONFIG_MODULE"] = str(config)
    from addok.config import config as addok_config

    addok_config.load()
    from addok.core import search

    data = json.loads(Path(queries_path).read_text(encoding="utf-8"))

    def ask(text, autocomplete):
        started = time.perf_counter()
        results = search(text, limit=1, autocomplete=autocomplete)
        elapsed = (time.perf_counter() - started) * 1000
        if not results:
            return elapsed, None
        lon, lat = results[0].format()["geometry"]["coordinates"]
        return elapsed, [lat, lon]

    for query in data["queries"][:20]:  # warm up
        ask(query["q"], False)
    answers, search_ms = [], []
    for query in data["queries"]:
        elapsed, point = ask(query["q"], False)
        search_ms.append(elapsed)
        answers.append(point)
    autocomplete_ms = [ask(text, True)[0] for text in data["autocomplete"]]
    print(
        json.dumps(
            {
                "load_s": round(load_s, 1),
                "answers": answers,
                "search_ms": search_ms,
                "autocomplete_ms": autocomplete_ms,
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
