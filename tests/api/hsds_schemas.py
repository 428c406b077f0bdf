"""The official HSDS 3.0 schemas (tests/standards/hsds-3.0, unchanged), checked the way the
specification checks its own examples: every object closed (additionalProperties false, as
its validate_examples_json_schema.sh compiles them), JSON Schema 2020-12, formats checked
(uuid, uri, email, date-time: rfc3986-validator and rfc3339-validator make jsonschema check
the last ones)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

STANDARD = Path(__file__).resolve().parents[1] / "standards" / "hsds-3.0"
SCHEMAS = STANDARD / "schema"
EXAMPLES = STANDARD / "examples"


def closed(schema):
    """Every object that lists its properties allows no others."""
    if isinstance(schema, list):
        return [closed(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    result = {
        key: {name: closed(s) for name, s in value.items()}
        if key == "properties"
        else closed(value)
        for key, value in schema.items()
    }
    if "properties" in result:
        result["additionalProperties"] = False
    return result


def _load(relative: str) -> dict:
    return closed(json.loads((SCHEMAS / relative).read_text(encoding="utf-8")))


def _retrieve(uri: str) -> Resource:
    # The plain schemas refer to each other by file name ("taxonomy.json").
    return Resource.from_contents(_load(uri), default_specification=DRAFT202012)


@cache
def validator(relative: str) -> Draft202012Validator:
    """A validator of schema/<relative>, e.g. "compiled/service.json"."""
    schema = _load(relative)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(
        schema,
        registry=Registry(retrieve=_retrieve),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def errors(relative: str, document) -> list[str]:
    return [
        f"{relative} {list(error.absolute_path)}: {error.message}"
        for error in validator(relative).iter_errors(document)
    ]


def example(name: str):
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
