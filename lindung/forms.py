from django.forms.renderers import DjangoTemplates


class FormRenderer(DjangoTemplates):
    """Each field with its label, help and errors right beside it (templates/forms/field.html)."""

    field_template_name = "forms/field.html"


def phone_digits(written: str) -> str:
    """The digits (and a leading +) of a phone number as people write it: 0812-3456 7890, (021) 555.1234,
    +62 812…. ValueError when it holds anything else: letters are not a number to be tidied away."""
    if any(not (ch.isdigit() or ch.isspace() or ch in "+-.()") for ch in written):
        raise ValueError(f"not a phone number: {written!r}")
    return "".join(ch for ch in written if ch.isdigit() or ch == "+")
