from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindung.programmes.models import Payer, Programme
from lindung.regions.models import Region
from lindung.registry.models import Person, Segment

MONTH = {"max_length": 7}  # 'YYYY-MM'


class MembershipStatus(models.TextChoices):
    CANDIDATE = "candidate", _("candidate")
    SUBMITTED = "submitted", _("sent to BPJS")
    ACTIVE = "active", _("active")
    INACTIVE = "inactive", _("inactive (unpaid)")
    ENDED = "ended", _("ended")
    REJECTED = "rejected", _("rejected by BPJS")


# Candidates and those sent to BPJS are not members yet, the rejected never were; an ended membership is
# billed until its end month.
BILLED_STATUSES = [MembershipStatus.ACTIVE, MembershipStatus.INACTIVE, MembershipStatus.ENDED]
UNBILLED_STATUSES = [status for status in MembershipStatus if status not in BILLED_STATUSES]


class Membership(models.Model):
    """A person in one programme, paid by one payer, from a month until (optionally) a month."""

    # Found through membership_unique_start (person first); a million-row table carries no index it does not use.
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships", db_index=False)
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, db_index=False)
    payer = models.ForeignKey(Payer, on_delete=models.PROTECT, related_name="memberships", db_index=False)
    start_month = models.CharField(_("from"), **MONTH)
    end_month = models.CharField(_("until"), null=True, blank=True, **MONTH)
    status = models.CharField(_("status"), max_length=10, choices=MembershipStatus.choices, default="active")
    # The income reported to BPJS: the basis of percentage contributions and of JKK benefits. Empty means
    # the programme's minimum basis, as regency-paid schemes report their members.
    declared_income = models.BigIntegerField(_("declared income for contributions (Rp)"), null=True, blank=True)
    kpj = models.CharField(_("membership number (KPJ)"), max_length=20, blank=True, db_default="")
    # The person's village and segment and whether they are still in the register, kept in step with the
    # register (billing.signals): the billing run copies them onto two million lines a month, and reading
    # them here instead of looking up each member's register record halves the run.
    village = models.ForeignKey(
        Region, null=True, on_delete=models.DO_NOTHING, related_name="+", db_index=False, db_constraint=False,
        editable=False,
    )
    segment = models.ForeignKey(
        Segment, null=True, on_delete=models.DO_NOTHING, related_name="+", db_index=False, db_constraint=False,
        editable=False,
    )
    in_register = models.BooleanField(default=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, db_index=False
    )

    class Meta:
        verbose_name = _("membership")
        constraints = [
            models.UniqueConstraint(fields=["person", "programme", "start_month"], name="membership_unique_start"),
            models.CheckConstraint(
                condition=Q(end_month__isnull=True) | Q(end_month__gte=models.F("start_month")),
                name="membership_ends_after_start",
            ),
        ]
        # Status refreshes look for the few inactive memberships on every run.
        indexes = [models.Index(fields=["status"], name="membership_status_idx")]
        permissions = [("enrol_members", _("Can enrol people in programmes"))]

    def save(self, *args, **kwargs):
        if self.village_id is None or self.segment_id is None:
            self.village_id, self.segment_id = self.person.village_id, self.person.segment_id
            self.in_register = self.person.deleted_at is None
        super().save(*args, **kwargs)


class MembershipChange(models.Model):
    """Status history: every change of a membership's status, when, why and by whom."""

    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="changes", db_index=False)
    at = models.DateTimeField(default=timezone.now)
    month = models.CharField(_("month"), **MONTH)
    status = models.CharField(max_length=10, choices=MembershipStatus.choices)
    reason = models.CharField(_("reason"), max_length=200)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, db_index=False)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["membership", "at"], name="membershipchange_member_idx")]


class Invoice(models.Model):
    """What one payer owes for one month: the sum of its contribution lines."""

    payer = models.ForeignKey(Payer, on_delete=models.PROTECT, related_name="invoices")
    month = models.CharField(_("month"), **MONTH)
    members = models.PositiveIntegerField(_("members"), default=0)
    lines = models.PositiveIntegerField(_("lines"), default=0)
    total = models.BigIntegerField(_("total (Rp)"), default=0)
    paid = models.BigIntegerField(_("paid (Rp)"), default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-month", "payer__name"]
        verbose_name = _("invoice")
        constraints = [models.UniqueConstraint(fields=["payer", "month"], name="invoice_one_per_payer_month")]
        permissions = [("run_billing", _("Can run monthly billing"))]

    def __str__(self):
        return f"{self.payer} {self.month}"

    @property
    def number(self) -> str:
        return f"INV/{self.month.replace('-', '')}/{self.payer_id:03d}"

    @property
    def outstanding(self) -> int:
        return self.total - self.paid


class Payment(models.Model):
    """Money received against an invoice; `allocated` of it paid whole members' lines, the rest is credit."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    amount = models.BigIntegerField(_("amount (Rp)"))
    allocated = models.BigIntegerField(_("allocated (Rp)"), default=0)
    paid_on = models.DateField(_("paid on"))
    reference = models.CharField(_("reference (SP2D, transfer)"), max_length=200, blank=True)
    area = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("only for this area")
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        ordering = ["paid_on", "id"]
        verbose_name = _("payment")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive")]

    @property
    def unallocated(self) -> int:
        return self.amount - self.allocated


class ContributionLine(models.Model):
    """One member, one programme, one month: what is owed and, once paid, by which payment.

    Village and segment are kept as they were when billed, so an invoice never changes after the fact.
    """

    # One index only, month first: a billing run appends a whole month, which stays sequential in it, and
    # every query (a month's invoice, payments, the ledger) starts from a month. Each further index on two
    # million lines a month costs a second of every billing run.
    #
    # No foreign-key constraints either: lines are written only by the billing run and payments, in one
    # statement each, from memberships, invoices and payments that exist in the same transaction and are
    # never deleted (PROTECT still guards them in Django). Checking two million references a month costs
    # about a second on SQLite and ten on PostgreSQL, where the checks are deferred to the commit.
    membership = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="lines", db_index=False, db_constraint=False
    )
    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="contribution_lines", db_index=False, db_constraint=False
    )
    person = models.ForeignKey(Person, on_delete=models.DO_NOTHING, related_name="+", db_index=False, db_constraint=False)
    programme = models.ForeignKey(Programme, on_delete=models.DO_NOTHING, db_index=False, db_constraint=False)
    month = models.CharField(_("month"), **MONTH)
    amount = models.BigIntegerField(_("amount (Rp)"))
    village = models.ForeignKey(Region, on_delete=models.DO_NOTHING, related_name="+", db_index=False, db_constraint=False)
    segment = models.ForeignKey(Segment, on_delete=models.DO_NOTHING, related_name="+", db_index=False, db_constraint=False)
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="lines", db_index=False,
        db_constraint=False,
    )

    class Meta:
        verbose_name = _("contribution line")
        constraints = [
            models.UniqueConstraint(fields=["month", "membership"], name="line_one_per_month_membership"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="line_amount_not_negative"),
        ]
