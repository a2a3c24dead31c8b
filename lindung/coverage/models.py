"""Coverage figures kept per month so that a dashboard request reads a small table, and the denominators.

CoverageCell and MemberFlow are derived data: refresh_coverage(month) (lindung/coverage/aggregate.py)
rebuilds a month's rows from the contribution lines and the membership history, set-based; nothing else
writes them. WorkingPopulation holds the denominators imported from a BPS table.
"""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MONTH = {"max_length": 7}  # 'YYYY-MM'


class CoverageCell(models.Model):
    """People protected in a month, for one combination of area, segment, sex, age band and programmes.

    Rows with `payer` empty count every protected person once (any payer); rows with a payer count the
    people with at least one paid line of that payer, with the breakdown keys taken from that payer's
    lines only. Within one month and one payer value (empty or a payer) each person is in exactly one cell,
    so any sum over cells counts people once — within one level: each month's cells are stored per village,
    and again summed per kecamatan with `village` empty (the regency-wide figures read these). `programmes` is a bit mask of the programmes paid for the
    person in the month (bit i = the i-th programme in Programme order, see aggregate.programme_bits).
    """

    month = models.CharField(**MONTH)
    payer = models.ForeignKey(
        "programmes.Payer", null=True, blank=True, on_delete=models.DO_NOTHING, db_index=False, db_constraint=False
    )
    kecamatan = models.CharField(max_length=8)
    village = models.CharField(max_length=13)
    segment = models.CharField(max_length=32)
    sex = models.CharField(max_length=1)
    age_band = models.CharField(max_length=8)
    programmes = models.PositiveIntegerField()
    people = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["month", "payer", "village"], name="coveragecell_month_idx"),
            models.Index(fields=["month", "payer", "kecamatan"], name="coveragecell_kecamatan_idx"),
        ]


class MemberFlow(models.Model):
    """People who became members, were renewed, lapsed or ended in a month (see aggregate.FLOW_KINDS).

    Area and segment are the person's in the register when the month was refreshed. `payer` empty:
    every payer (a person counted once per kind); otherwise that payer's memberships only.
    """

    month = models.CharField(**MONTH)
    kind = models.CharField(max_length=8)
    payer = models.ForeignKey(
        "programmes.Payer", null=True, blank=True, on_delete=models.DO_NOTHING, db_index=False, db_constraint=False
    )
    kecamatan = models.CharField(max_length=8)
    village = models.CharField(max_length=13)
    segment = models.CharField(max_length=32)
    people = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["month", "payer"], name="memberflow_month_idx")]


class CoverageMonth(models.Model):
    """A month whose cells and flows are built, and when."""

    month = models.CharField(primary_key=True, **MONTH)
    refreshed_at = models.DateTimeField(default=timezone.now)
    protected = models.PositiveIntegerField(default=0)
    # Set by billing runs, payments and membership changes (aggregate.figures_changed); the job worker, or
    # the next reader, rebuilds the month.
    stale = models.BooleanField(default=False)


class BudgetSnapshot(models.Model):
    """A payer's committed Rupiah for a fiscal year, as last computed (enrolment/budget.py).

    Valid while no membership has changed since: `change_mark` is the latest MembershipChange id then
    (every enrolment, status change, ending and renewal writes one).
    """

    payer = models.ForeignKey("programmes.Payer", on_delete=models.CASCADE)
    fiscal_year = models.PositiveSmallIntegerField()
    change_mark = models.BigIntegerField()
    committed = models.BigIntegerField()
    committed_by_programme = models.JSONField(default=dict)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["payer", "fiscal_year"], name="budgetsnapshot_one")]


class WorkingPopulation(models.Model):
    """The working population of a kecamatan (or village) in a year, from a BPS table: a coverage denominator."""

    area = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, db_constraint=False, related_name="+", verbose_name=_("area")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    count = models.PositiveIntegerField(_("working population"))
    source = models.CharField(_("source"), max_length=300)
    file_name = models.CharField(_("file"), max_length=255, blank=True)
    imported_at = models.DateTimeField(default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, db_index=False, related_name="+"
    )

    class Meta:
        verbose_name = _("working population")
        constraints = [models.UniqueConstraint(fields=["year", "area"], name="workingpopulation_one_per_area_year")]
