from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindung.personal_data import EncryptedTextField


class Role(models.TextChoices):
    """The roles of DESIGN.md, each a Django group of the same name with its permissions."""

    ADMIN = "admin", _("administrator")
    OFFICER = "officer", _("officer")
    VILLAGE_OPERATOR = "village_operator", _("village operator")
    BPJS_OFFICER = "bpjs_officer", _("BPJS branch officer")
    LEADER = "leader", _("leader / auditor")


class User(AbstractUser):
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    villages = models.ManyToManyField(
        "regions.Region", blank=True, related_name="operators", verbose_name=_("villages served"),
        help_text=_("A village operator sees and changes only people living in these villages."),
    )
    failed_logins = models.PositiveIntegerField(default=0, editable=False)
    locked_until = models.DateTimeField(null=True, blank=True, editable=False)
    totp_secret = EncryptedTextField(purpose="totp", null=True, blank=True, editable=False)
    totp_enabled = models.BooleanField(_("two-step login"), default=False)
    # The time step of the last code accepted: a code is good once, not again for its 30 (to 90) seconds.
    totp_last_step = models.BigIntegerField(null=True, blank=True, editable=False)

    @property
    def role(self) -> str | None:
        names = {g.name for g in self.groups.all()}
        return next((r for r in Role.values if r in names), None)

    @property
    def role_label(self) -> str:
        return Role(self.role).label if self.role else ""

    def use_totp_step(self, step: int) -> bool:
        """Record `step` as used; False when it, or a later one, was used already (a code seen twice)."""
        fresh = Q(totp_last_step__isnull=True) | Q(totp_last_step__lt=step)
        used = type(self).objects.filter(fresh, pk=self.pk).update(totp_last_step=step) == 1
        if used:
            self.totp_last_step = step
        return used

    def is_locked(self, now=None) -> bool:
        return self.locked_until is not None and self.locked_until > (now or timezone.now())

    @property
    def may_use_totp(self) -> bool:
        return self.is_superuser or self.role in (Role.ADMIN, Role.OFFICER)


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("the audit log is append-only")

    def delete(self):
        raise PermissionError("the audit log is append-only")


class AuditEvent(models.Model):
    """Append-only: who did what, when, from where, to what, with before and after values."""

    class Action(models.TextChoices):
        LOGIN = "login", _("logged in")
        LOGIN_FAILED = "login_failed", _("failed login")
        LOCKED_OUT = "locked_out", _("locked out")
        LOGOUT = "logout", _("logged out")
        VIEW_PERSONAL_DATA = "view_personal_data", _("viewed unmasked personal data")
        EXPORT_PERSONAL_DATA = "export_personal_data", _("exported unmasked personal data")
        CREATE = "create", _("created")
        UPDATE = "update", _("changed")
        DELETE = "delete", _("deleted")
        RESTORE = "restore", _("restored")
        DENIED = "denied", _("refused access")
        ACCOUNT = "account", _("account change")
        KEYS = "keys", _("key management")
        # What the modules record of their own work, named after the module.
        BILLING_ENROL = "billing.enrol", _("enrolled in a programme")
        BILLING_RUN = "billing.run", _("billing run")
        BILLING_PAYMENT = "billing.payment", _("payment recorded")
        BILLING_INVOICE_DOWNLOAD = "billing.invoice_download", _("invoice downloaded")
        COVERAGE_DENOMINATORS = "coverage.denominators", _("coverage denominators changed")
        ENROLMENT_COMMIT = "enrolment.commit", _("enrolment batch committed")
        ENROLMENT_END = "enrolment.end", _("membership ended")
        ENROLMENT_RENEW = "enrolment.renew", _("memberships renewed")
        ENROLMENT_EXPORT = "enrolment.export", _("registration file for BPJS made")
        ENROLMENT_RESPONSE = "enrolment.response", _("BPJS answer read")
        REPORTS_PACK_DOWNLOAD = "reports.pack_download", _("Paritrana pack downloaded")
        REPORTS_VILLAGE_DOWNLOAD = "reports.village_download", _("village report downloaded")
        REPORTS_REGULATION_ADD = "reports.regulation_add", _("regulation added")
        REPORTS_REGULATION_EDIT = "reports.regulation_edit", _("regulation changed")
        REPORTS_INNOVATION_ADD = "reports.innovation_add", _("innovation added")
        REPORTS_INNOVATION_EDIT = "reports.innovation_edit", _("innovation changed")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        db_index=False,
    )
    username = models.CharField(_("user"), max_length=150, blank=True)
    ip = models.GenericIPAddressField(_("from"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=24, choices=Action.choices)
    target_type = models.CharField(_("object type"), max_length=50, blank=True)
    target_id = models.CharField(_("object"), max_length=64, blank=True)
    summary = models.CharField(_("what"), max_length=300, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        indexes = [
            models.Index(fields=["target_type", "target_id", "at"], name="audit_target_idx"),
            models.Index(fields=["user", "at"], name="audit_user_idx"),
            models.Index(fields=["action", "at"], name="audit_action_idx"),
        ]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("the audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("the audit log is append-only")


class KeyState(models.Model):
    """Which blind-index key the stored indexes were computed with; one row, written with the indexes.

    It travels with the database (and its backups), so a database whose indexes do not match the configured
    key is noticed (lindung.keyring.blind_index_key_matches) instead of silently finding no one.
    """

    blind_index_key_id = models.CharField(max_length=8)
    updated_at = models.DateTimeField(auto_now=True)
