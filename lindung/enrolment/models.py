from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindung.programmes.models import Payer
from lindung.registry.models import Person


class EligibilityPolicy(models.Model):
    """Who the regency may enrol, from a date on: a new decision is a new row, never an edit."""

    effective_from = models.DateField(_("effective from"), unique=True)
    age_min = models.PositiveSmallIntegerField(_("youngest age at enrolment"), default=15)
    age_max = models.PositiveSmallIntegerField(_("oldest age at enrolment"), default=65)
    segments = models.JSONField(_("segments in scope (empty: all)"), default=list, blank=True)
    segment_priority = models.JSONField(_("segments, most urgent first"), default=list, blank=True)
    source = models.CharField(_("decision or source"), max_length=300)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("eligibility policy")
        verbose_name_plural = _("eligibility policies")
        constraints = [
            models.CheckConstraint(condition=models.Q(age_min__lte=models.F("age_max")), name="policy_age_window"),
        ]

    @classmethod
    def in_force(cls, on: date) -> "EligibilityPolicy":
        policy = cls.objects.filter(effective_from__lte=on).order_by("-effective_from").first()
        if policy is None:
            raise LookupError(f"no eligibility policy in force on {on}")
        return policy


class BatchStatus(models.TextChoices):
    COMMITTED = "committed", _("committed")
    SUBMITTED = "submitted", _("sent to BPJS")
    ANSWERED = "answered", _("answered by BPJS")


class EnrolmentBatch(models.Model):
    """People chosen together (by targeting under a budget, or a yearly renewal) and sent to BPJS together."""

    class Kind(models.TextChoices):
        TARGETING = "targeting", _("targeting under a budget")
        RENEWAL = "renewal", _("yearly renewal")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TARGETING)
    payer = models.ForeignKey(Payer, on_delete=models.PROTECT, related_name="enrolment_batches")
    programmes = models.JSONField(_("programmes"), default=list)
    start_month = models.CharField(_("from"), max_length=7)
    months = models.PositiveSmallIntegerField(_("months"))
    budget = models.BigIntegerField(_("budget (Rp)"), null=True, blank=True)
    people = models.PositiveIntegerField(_("people"), default=0)
    cost = models.BigIntegerField(_("cost (Rp)"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=BatchStatus.choices, default=BatchStatus.COMMITTED)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    exported_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("enrolment batch")
        permissions = [
            ("target_people", _("Can target people under a budget and commit enrolment batches")),
            ("exchange_bpjs_files", _("Can send enrolment files to BPJS and import its responses")),
        ]

    def __str__(self):
        return f"#{self.pk} {self.start_month}"


class BatchMemberStatus(models.TextChoices):
    CANDIDATE = "candidate", _("candidate")
    SUBMITTED = "submitted", _("submitted")
    ACCEPTED = "accepted", _("accepted")
    REJECTED = "rejected", _("rejected")


class BatchMember(models.Model):
    """One person of a batch: rank, cost, and what BPJS answered (membership number or reason)."""

    batch = models.ForeignKey(EnrolmentBatch, on_delete=models.PROTECT, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", db_index=False)
    rank = models.PositiveIntegerField(_("rank"))
    cost = models.BigIntegerField(_("cost (Rp)"))
    status = models.CharField(
        _("status"), max_length=10, choices=BatchMemberStatus.choices, default=BatchMemberStatus.CANDIDATE
    )
    kpj = models.CharField(_("membership number (KPJ)"), max_length=20, blank=True, db_default="")
    reason = models.CharField(_("reason"), max_length=300, blank=True, db_default="")
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["batch", "rank"]
        constraints = [models.UniqueConstraint(fields=["batch", "person"], name="batchmember_once_per_batch")]
        indexes = [models.Index(fields=["person"], name="batchmember_person_idx")]


class BpjsFileJob(models.Model):
    """A file for BPJS made, or BPJS's answer read, in the background: its progress is kept for the batch page."""

    class Kind(models.TextChoices):
        EXPORT = "export", _("file for BPJS")
        IMPORT = "import", _("BPJS response")

    class State(models.TextChoices):
        QUEUED = "queued", _("waiting")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    batch = models.ForeignKey(EnrolmentBatch, on_delete=models.PROTECT, related_name="file_jobs")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    progress_text = models.CharField(max_length=200, blank=True)
    # The uploaded answer (import), or the finished workbook (export): under the var folder, mode 0600.
    stored_as = models.CharField(max_length=300, blank=True, editable=False)
    filename = models.CharField(_("file"), max_length=255, blank=True)
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("BPJS file job")

    def __str__(self):
        return f"{self.kind} #{self.batch_id} ({self.created_at:%Y-%m-%d %H:%M})"
