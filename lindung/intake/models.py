from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindung.personal_data import EncryptedTextField


class Outcome(models.TextChoices):
    ACCEPTED = "accepted", _("accepted")
    UNCHANGED = "unchanged", _("unchanged")
    REVIEW = "review", _("review")
    REJECTED = "rejected", _("rejected")


class ImportBatch(models.Model):
    """One file given to intake: where it came from, how far it got, and what became of its rows."""

    class State(models.TextChoices):
        QUEUED = "queued", _("waiting")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    filename = models.CharField(_("file"), max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    stored_as = models.CharField(max_length=300, editable=False)
    source = models.CharField(_("source"), max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    progress_text = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    repeat_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="repeats")
    header_row = models.PositiveIntegerField(null=True, blank=True)
    rows = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    review = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")

    def __str__(self):
        return f"{self.filename} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def outcome_batch(self) -> "ImportBatch":
        """The batch that holds this file's row outcomes: a repeat changed nothing, its file's rows are the
        earlier import's."""
        return self.repeat_of or self


class ImportRow(models.Model):
    """The outcome of one spreadsheet row. Rows held for review keep their values (encrypted) for the decision.

    A row that registered a new person has none: the person keeps the batch and row (Person.intake_batch,
    intake_row), a million rows written once instead of twice. Batches imported before that have one for every
    row; services.outcome_frame() reads both.
    """

    class Decision(models.TextChoices):
        SAME_MERGE = "merge", _("same person: keep the registered record")
        SAME_UPDATE = "update", _("same person: update the registered record")
        DIFFERENT = "accept", _("different people: register as new")
        REJECT = "reject", _("reject the row")

    # db_index=False: importrow_batch_row_unique (batch, row) serves every lookup by batch; a second index on
    # batch alone only cost the import of a million rows ≈ 0.5 s.
    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="outcomes", db_index=False)
    row = models.PositiveIntegerField(_("row"))
    status = models.CharField(_("status"), max_length=10, choices=Outcome.choices)
    person = models.ForeignKey("registry.Person", null=True, blank=True, on_delete=models.PROTECT, db_index=False)
    reasons = models.JSONField(default=list)
    values = EncryptedTextField(purpose="intake_row", null=True, blank=True)
    candidates = models.JSONField(default=dict)
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", db_index=False)
    decided_at = models.DateTimeField(null=True, blank=True)

    @property
    def reason_texts(self) -> list[str]:
        from lindung.intake.services import reason_text

        return [reason_text(r) for r in self.reasons]

    class Meta:
        ordering = ["batch", "row"]
        constraints = [models.UniqueConstraint(fields=["batch", "row"], name="importrow_batch_row_unique")]
        indexes = [models.Index(fields=["status", "decision"], name="importrow_status_idx")]
