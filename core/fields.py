"""Model fields shared by apps that have no other reason to know each other."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .validators import enterprise_number_normalise, validate_enterprise_number


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


class FirstCode(models.Func):
    """The first code of a CodeListField (",a,b," gives "a"; "" when empty), in SQL."""

    output_field = models.CharField()

    def __init__(self, field: str):
        super().__init__(models.F(field))

    def as_sql(self, compiler, connection, **extra_context):  # type: ignore[override]
        return self.as_sqlite(compiler, connection, **extra_context)

    def as_postgresql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        return f"SPLIT_PART(COALESCE({column}, ''), ',', 2)", params

    def as_sqlite(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        rest = f"SUBSTR(COALESCE({column}, ''), 2)"
        return f"SUBSTR({rest}, 1, MAX(INSTR({rest}, ',') - 1, 0))", params * 2


class EnterpriseNumberFormField(forms.CharField):
    """A Belgian enterprise number typed in any usual form ("0123.456.749", "BE0123456749"),
    cleaned to its ten digits, with a translated error for a wrong one."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("help_text", _("Belgian enterprise number (KBO), e.g. 0123.456.749."))
        super().__init__(**kwargs)

    def clean(self, value):
        return enterprise_number_normalise(super().clean(value))


class EnterpriseNumberField(models.CharField):
    """A Belgian enterprise number stored as its ten digits ("0123456749"), or "" when unknown.
    Whatever the way in (form, import, admin), full_clean() normalises and checks it."""

    def __init__(self, *args, **kwargs):
        kwargs["max_length"] = 10
        super().__init__(*args, **kwargs)
        self.validators.append(validate_enterprise_number)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        del kwargs["max_length"]
        return name, path, args, kwargs

    def to_python(self, value):
        value = super().to_python(value)
        try:
            return enterprise_number_normalise(value or "")
        except ValidationError:
            return value  # left as typed: the validator then says what is wrong

    def formfield(self, **kwargs):
        return super().formfield(
            **{"form_class": EnterpriseNumberFormField, "max_length": 20, **kwargs}
        )
