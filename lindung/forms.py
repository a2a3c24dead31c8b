from django.forms.renderers import DjangoTemplates


class FormRenderer(DjangoTemplates):
    """Each field with its label, help and errors right beside it (templates/forms/field.html)."""

    field_template_name = "forms/field.html"
