from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext_lazy as _

from lindung.accounts import audit
from lindung.accounts.models import AuditEvent


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        # Django's Indonesian text names the field twice ("nama pengguna nama pengguna").
        "invalid_login": _("The username or password is wrong. Capital and small letters count as different."),
        "locked": _("Too many failed logins: this account is locked until %(until)s. Try again later or ask an administrator."),
    }

    def clean(self):
        username = self.cleaned_data.get("username")
        user = get_user_model().objects.filter(username=username).first() if username else None
        if user is not None and user.is_locked():
            audit.record(AuditEvent.Action.LOGIN_FAILED, username=username, target=user, summary="account locked")
            raise forms.ValidationError(
                self.error_messages["locked"],
                code="locked",
                params={"until": time_format(timezone.localtime(user.locked_until), "H:i")},
            )
        return super().clean()


class NewPasswordForm(PasswordChangeForm):
    def clean_new_password1(self):
        password = self.cleaned_data["new_password1"]
        if self.user.check_password(password):
            raise forms.ValidationError(_("The new password must differ from the current one."), code="unchanged")
        return password


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("6-digit code from your authenticator app"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class AuditSearchForm(forms.Form):
    user = forms.CharField(label=_("User"), required=False)
    action = forms.ChoiceField(label=_("Action"), required=False, choices=[("", _("All"))] + AuditEvent.Action.choices)
    target = forms.CharField(label=_("Object"), required=False, help_text=_("e.g. registry.person:42"))
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    text = forms.CharField(label=_("Text"), required=False)

    def filter(self, events):
        data = self.cleaned_data
        if data.get("user"):
            events = events.filter(username__iexact=data["user"].strip())
        if data.get("action"):
            events = events.filter(action=data["action"])
        if data.get("target"):
            target_type, _sep, target_id = data["target"].strip().partition(":")
            events = events.filter(target_type=target_type)
            if target_id:
                events = events.filter(target_id=target_id)
        if data.get("since"):
            events = events.filter(at__date__gte=data["since"])
        if data.get("until"):
            events = events.filter(at__date__lte=data["until"])
        if data.get("text"):
            events = events.filter(summary__icontains=data["text"])
        return events
