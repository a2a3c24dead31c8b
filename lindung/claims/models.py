from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindung.personal_data import EncryptedTextField, mask_phone
from lindung.programmes.models import Programme
from lindung.regions.models import Region
from lindung.registry.models import Person


class IncidentKind(models.TextChoices):
    DEATH = "death", _("death (not from a work accident)")
    WORK_DEATH = "work_death", _("death from a work accident")
    WORK_ACCIDENT = "work_accident", _("work accident (injury)")


class ClaimStatus(models.TextChoices):
    REPORTED = "reported", _("reported")
    DOCUMENTS_COMPLETE = "documents_complete", _("documents complete")
    SUBMITTED = "submitted", _("submitted to BPJS")
    PAID = "paid", _("paid")
    REJECTED = "rejected", _("rejected")


# The order a claim moves in; paid and rejected end it.
STATUS_ORDER = [ClaimStatus.REPORTED, ClaimStatus.DOCUMENTS_COMPLETE, ClaimStatus.SUBMITTED, ClaimStatus.PAID]
CLOSED = [ClaimStatus.PAID, ClaimStatus.REJECTED]


class IncidentQuerySet(models.QuerySet):
    def in_scope_of(self, user):
        """The incidents `user` may see: the whole regency, or only those of the villages they serve."""
        if user.has_perm("registry.view_all_areas"):
            return self
        if not user.is_authenticated:
            return self.none()
        return self.filter(village__in=user.villages.values("code"))


class Incident(models.Model):
    """A death or a work accident of a person, reported by a village or an officer, and the claim it starts.

    The heir's (or the injured worker's) name and phone are personal data, encrypted like a person's NIK.
    Coverage and the expected benefit are the check made on the incident date when it was reported.
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="incidents", db_index=False)
    # The person's village when reported: the claim's area for scoping and the totals by kecamatan.
    village = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", db_index=False)
    kind = models.CharField(_("what happened"), max_length=16, choices=IncidentKind.choices)
    occurred_on = models.DateField(_("date of the incident"))
    place = models.CharField(_("place"), max_length=200)
    circumstances = models.TextField(_("circumstances"), blank=True)
    contact_name = EncryptedTextField(_("name of the heir or the injured worker's contact"), purpose="contact_name")
    contact_relation = models.CharField(_("relation to the worker"), max_length=100, blank=True)
    contact_phone = EncryptedTextField(_("contact's phone"), purpose="phone", null=True, blank=True)
    # Children's school levels for the scholarship: [[level, years still to be paid or null], ...].
    children = models.JSONField(_("children at school"), default=list, blank=True)
    # Months of temporary incapacity or the disability table percent, when a work accident's outcome is known.
    incapacity_months = models.PositiveSmallIntegerField(_("months unable to work"), null=True, blank=True)
    disability_percent = models.DecimalField(
        _("disability (table percent)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, db_index=False, verbose_name=_("programme"))
    protected = models.BooleanField(_("protected on the incident date"), default=False)
    coverage = models.JSONField(default=dict)  # the check: protected, programmes, reason, member_since, income
    expected_amount = models.BigIntegerField(_("expected (Rp)"), default=0)
    expected_parts = models.JSONField(default=list)  # [{"name", "amount", "rule"}]
    status = models.CharField(_("status"), max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.REPORTED)
    status_since = models.DateTimeField(_("status since"), default=timezone.now)
    submitted_on = models.DateField(_("submitted to BPJS on"), null=True, blank=True)
    paid_amount = models.BigIntegerField(_("paid (Rp)"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    rejection_reason = models.CharField(_("reason for rejection"), max_length=300, blank=True)
    reported_at = models.DateTimeField(_("reported"), default=timezone.now, editable=False)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )

    objects = IncidentQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("incident and claim")
        verbose_name_plural = _("incidents and claims")
        permissions = [
            ("update_claim_status", _("Can update the status of a claim")),
            ("import_claim_status", _("Can import a claim status file from BPJS")),
            ("view_claim_totals", _("Can view claim totals")),
        ]
        indexes = [
            models.Index(fields=["person"], name="incident_person_idx"),
            models.Index(fields=["village"], name="incident_village_idx"),
            models.Index(fields=["status", "status_since"], name="incident_status_idx"),
            models.Index(fields=["paid_on"], name="incident_paid_on_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(paid_amount__isnull=True) | Q(paid_amount__gte=0), name="incident_paid_not_negative"
            ),
            models.CheckConstraint(condition=Q(expected_amount__gte=0), name="incident_expected_not_negative"),
        ]

    def __str__(self):
        return self.number

    @property
    def number(self) -> str:
        """KLM-000042: the claim number people and BPJS's status file use."""
        return claim_number(self.pk)

    @property
    def masked_contact_phone(self) -> str:
        return mask_phone(self.contact_phone)

    @property
    def masked_contact_name(self) -> str:
        return mask_name(self.contact_name)

    @property
    def closed(self) -> bool:
        return self.status in CLOSED


def claim_number(pk: int) -> str:
    return f"KLM-{pk:06d}"


def mask_name(name: str | None) -> str:
    """'Ujang Suryana' -> 'U**** S******': initials stay, so a family recognises it without revealing it."""
    if not name:
        return ""
    return " ".join(word[0] + "*" * (len(word) - 1) for word in name.split())


class ClaimStep(models.Model):
    """The claim's history: each status it took, when (the date of the step and the moment it was recorded),
    by whom, from which source (screen or a BPJS status file), with the amount paid or the reason."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="steps", db_index=False)
    status = models.CharField(max_length=20, choices=ClaimStatus.choices)
    on = models.DateField(_("date"))
    at = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    amount = models.BigIntegerField(_("amount (Rp)"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["incident", "at"], name="claimstep_incident_idx")]


class ClaimDocument(models.Model):
    """A scanned document of the checklist, stored outside the web root (0600) and downloaded with an audit."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="documents", db_index=False)
    code = models.CharField(_("document"), max_length=40)
    filename = models.CharField(_("file"), max_length=255)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    stored_as = models.CharField(max_length=500)
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )

    class Meta:
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["incident", "code"], name="claimdocument_incident_idx")]


class StatusImport(models.Model):
    """A BPJS claim status file as imported: its hash (a repeat is recognised) and the outcome of every row."""

    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    outcomes = models.JSONField(default=list)
    imported_at = models.DateTimeField(default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )

    class Meta:
        ordering = ["-imported_at", "-id"]
        indexes = [models.Index(fields=["sha256"], name="statusimport_sha_idx")]
