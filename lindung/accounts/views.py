import time

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindung.accounts import audit, totp
from lindung.accounts.forms import AuditSearchForm, CodeForm, LoginForm, NewPasswordForm
from lindung.accounts.models import AuditEvent
from lindung.accounts.signals import register_failure

PENDING_USER = "lindung_2fa_user"
PENDING_NEXT = "lindung_2fa_next"
CANDIDATE_SECRET = "lindung_2fa_candidate"


def home(request):
    """Each role lands where its work is."""
    if request.user.has_perm("registry.view_person"):
        return redirect("registry:person-list")
    if request.user.has_perm("registry.view_overview"):
        return redirect("registry:overview")
    return redirect("account")


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if not user.totp_enabled:
            return super().form_valid(form)
        self.request.session[PENDING_USER] = user.pk
        self.request.session[PENDING_NEXT] = self.get_success_url()
        return redirect("login-code")


@login_not_required
def login_code(request):
    """The second step for users with two-step login: the code from their authenticator app."""
    user = get_user_model().objects.filter(pk=request.session.get(PENDING_USER)).first()
    if user is None:
        return redirect("login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if user.is_locked():
            form.add_error("code", _("Too many failed attempts: this account is locked. Try again later."))
        elif (step := totp.matching_step(user.totp_secret, form.cleaned_data["code"], time.time())) is not None \
                and user.use_totp_step(step):
            next_url = request.session.pop(PENDING_NEXT, None) or reverse("home")
            request.session.pop(PENDING_USER, None)
            login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
            return HttpResponseRedirect(next_url)
        else:
            audit.record(AuditEvent.Action.LOGIN_FAILED, username=user.username, target=user, summary="wrong code")
            register_failure(user.username)
            form.add_error("code", _("This code is not right. Use the newest code from your app."))
    return render(request, "accounts/login_code.html", {"form": form})


def account(request):
    return render(request, "accounts/account.html", {"villages": request.user.villages.select_related("parent")})


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = NewPasswordForm
    success_url = reverse_lazy("account")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record(AuditEvent.Action.ACCOUNT, target=self.request.user, summary="password changed")
        messages.success(self.request, _("Your password has been changed."))
        return response


def two_step(request):
    """Turn two-step login on (scan, then confirm with a code) or off (confirm with a code)."""
    user = request.user
    if not user.may_use_totp:
        messages.error(request, _("Two-step login is for administrators and officers."))
        return redirect("account")
    if user.totp_enabled:
        secret = user.totp_secret
    else:
        secret = request.session.get(CANDIDATE_SECRET) or totp.new_secret()
        request.session[CANDIDATE_SECRET] = secret
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        step = totp.matching_step(secret, form.cleaned_data["code"], time.time())
        if step is None or not user.use_totp_step(step):
            form.add_error("code", _("This code is not right. Use the newest code from your app."))
        else:
            turning_on = not user.totp_enabled
            user.totp_enabled = turning_on
            user.totp_secret = secret if turning_on else None
            user.save(update_fields=["totp_enabled", "totp_secret"])
            request.session.pop(CANDIDATE_SECRET, None)
            audit.record(AuditEvent.Action.ACCOUNT, target=user,
                         summary="two-step login turned on" if turning_on else "two-step login turned off")
            messages.success(request, _("Two-step login is on.") if turning_on else _("Two-step login is off."))
            return redirect("account")
    context = {"form": form}
    if not user.totp_enabled:
        uri = totp.provisioning_uri(secret, user.username)
        context.update(secret=secret, qr=segno.make(uri, error="m").svg_data_uri(scale=5))
    return render(request, "accounts/two_step.html", context)


@permission_required("accounts.view_auditevent", raise_exception=True)
def audit_log(request):
    form = AuditSearchForm(request.GET or None)
    events = AuditEvent.objects.all()
    if form.is_valid():
        events = form.filter(events)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "accounts/audit_log.html", {"form": form, "page": page, "query": query.urlencode()})


@login_not_required
@require_POST
def switch_language(request):
    """Remember the chosen language: on the user when logged in, in a cookie always (for the login page)."""
    language = request.POST.get("language")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if language in dict(settings.LANGUAGES):
        if request.user.is_authenticated:
            request.user.language = language
            request.user.save(update_fields=["language"])
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax", httponly=True
        )
    return response


def permission_denied(request, exception):
    """Django's 403 handler: every refusal of a page is written to the audit log, then the page says why."""
    audit.refusal(request, "not allowed for the user's role")
    return render(request, "403.html", status=403)
