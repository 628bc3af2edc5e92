"""Form fields shared by the apps' forms."""

from django import forms
from django.core.exceptions import ValidationError


class ClassificationChoiceField(forms.ModelChoiceField):
    """A national classification entry (discipline, industry), shown as “code name”."""

    def label_from_instance(self, obj):
        return f"{obj.code} {obj.name}"


def add_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on `form`: each message beside its field (once: a field the form
    already refused keeps its own message), messages for other keys above the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for field, messages in exc.message_dict.items():
        target = field if field in form.fields else None
        if target is not None and target in form.errors:
            continue
        for message in messages:
            form.add_error(target, message)
