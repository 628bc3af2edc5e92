"""Form fields shared by the apps' forms."""

from django import forms


class ClassificationChoiceField(forms.ModelChoiceField):
    """A national classification entry (discipline, industry), shown as “code name”."""

    def label_from_instance(self, obj):
        return f"{obj.code} {obj.name}"
