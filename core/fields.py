"""Model fields shared by apps that have no other reason to know each other."""

from django.db import models


class CodeListField(models.CharField):
    """A few codes of one choice list stored as ",a,b," so that `__contains=",a,"` filters
    on both backends without a join table (see has_code)."""

    def from_db_value(self, value, expression, connection):
        return [code for code in (value or "").split(",") if code]

    def to_python(self, value):
        if isinstance(value, list):
            return value
        return [code for code in (value or "").split(",") if code]

    def get_prep_value(self, value):
        if isinstance(value, str):
            return value
        return "," + ",".join(value) + "," if value else ""


def has_code(field: str, code: str) -> models.Q:
    """Rows whose CodeListField `field` holds `code`."""
    return models.Q(**{f"{field}__contains": f",{code},"})
