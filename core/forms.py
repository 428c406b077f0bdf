from django.core.exceptions import ValidationError


def add_model_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on the field it names when the form has
    that field, otherwise as a form-wide error."""
    for field, messages in getattr(error, "message_dict", {"": error.messages}).items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)
