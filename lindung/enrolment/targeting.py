"""Targeting under a budget: who may be enrolled, in which order, and how many a budget covers.

The rules are pure functions over Polars frames (rank, cover, cost_per_person); the database only
selects who is eligible (one query) and, on commit, writes the batch set-based in one transaction.
"""
import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta

import polars as pl
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, IntegerField, OuterRef, Q, Value
from django.utils import timezone

from lindung import bulk
from lindung.accounts import audit
from lindung.billing.models import Membership, MembershipChange, MembershipStatus
from lindung.enrolment.budget import COMMITTED_STATUSES, warning_for
from lindung.enrolment.models import BatchMember, BatchMemberStatus, EligibilityPolicy, EnrolmentBatch
from lindung.months import add_months, month_start, months_between
from lindung.programmes.models import Payer, Programme
from lindung.programmes.rates import Rate, contribution
from lindung.registry.models import Person, Segment

MAX_MONTHS = 60
OUTSIDE_SHOWN = 20
DEFAULT_PROGRAMMES = ("JKK", "JKM")

# What rank() reads: one row per eligible person.
FRAME_SCHEMA = {
    "person_id": pl.Int64,
    "welfare_decile": pl.Int8,
    "segment": pl.String,
    "created_at": pl.Datetime("us"),
    "village_id": pl.String,
}


class TargetingError(ValueError):
    """Bad input for targeting, or a preview that can no longer be committed; Indonesian / English."""


# Eligibility ----------------------------------------------------------------------------------------


def birth_date_bounds(age_min: int, age_max: int, on: date) -> tuple[date, date]:
    """(earliest, latest) birth dates of people aged age_min..age_max on `on` (both inclusive).

    Aged at least n on `on` means born on or before the same day n years earlier; aged at most n means
    born after that day n + 1 years earlier. 29 February counts as 28 February in years without it.
    """
    return _years_before(on, age_max + 1) + timedelta(days=1), _years_before(on, age_min)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def eligible_people(policy: EligibilityPolicy, start_month: str, programmes, months: int | None = None):
    """People the regency may enrol from `start_month` under `policy` (a Person queryset).

    Active, not dead on the first day of the month, living in the regency (settings.LINDUNG_REGENCY),
    aged policy.age_min..age_max on that day, in one of policy.segments (empty: every segment), and in
    none of `programmes` through a membership that is not ended and overlaps the period (from
    `start_month`, for `months` months; open-ended when None). People with a membership of one of the
    programmes starting that same month are left out too, whatever its status (e.g. rejected by BPJS):
    a person has at most one membership per programme and start month.
    """
    first_day = month_start(start_month)
    programmes = list(programmes)
    earliest, latest = birth_date_bounds(policy.age_min, policy.age_max, first_day)
    people = Person.objects.filter(
        deleted_at__isnull=True,
        village__code__startswith=f"{settings.LINDUNG_REGENCY}.",
        birth_date__gte=earliest,
        birth_date__lte=latest,
    ).filter(Q(died_on__isnull=True) | Q(died_on__gt=first_day))
    if policy.segments:
        people = people.filter(segment_id__in=list(policy.segments))
    overlapping = Membership.objects.filter(
        person=OuterRef("pk"), programme_id__in=programmes, status__in=COMMITTED_STATUSES
    ).filter(Q(end_month__isnull=True) | Q(end_month__gte=start_month))
    if months is not None:
        overlapping = overlapping.filter(start_month__lte=add_months(start_month, months - 1))
    same_start = Membership.objects.filter(person=OuterRef("pk"), programme_id__in=programmes, start_month=start_month)
    return people.filter(~Exists(overlapping), ~Exists(same_start))


# Priority and cover (pure) --------------------------------------------------------------------------


def segment_order(policy: EligibilityPolicy, segments: list[str] | None = None) -> list[str]:
    """policy.segment_priority first, in its order; every other segment after, by the registry's order."""
    if segments is None:
        segments = list(Segment.objects.order_by("sort", "code").values_list("code", flat=True))
    listed = list(dict.fromkeys(policy.segment_priority or []))
    return listed + [code for code in segments if code not in listed]


def rank(frame: pl.DataFrame, segment_order: list[str]) -> pl.DataFrame:
    """The frame in priority order with a `rank` column 1..n.

    Poorest first: welfare decile ascending, unknown deciles last; then segment in `segment_order`
    (segments not in it after those that are, by code); then registration (created_at, then person_id).
    """
    position = {code: i for i, code in enumerate(segment_order)}
    return (
        frame.with_columns(
            pl.col("segment")
            .replace_strict(position, default=len(position), return_dtype=pl.Int64)
            .alias("_segment_position")
        )
        .sort(
            ["welfare_decile", "_segment_position", "segment", "created_at", "person_id"],
            nulls_last=True,
        )
        .drop("_segment_position")
        .with_row_index("rank", offset=1)
        .with_columns(pl.col("rank").cast(pl.Int64))
    )


def cover(costs: pl.Series, budget: int) -> int:
    """How many of the ranked people, from the top, the budget pays for: the longest prefix that fits.

    Costs are never negative, so the cumulative cost only grows and the prefix is where it stays within
    the budget.
    """
    if costs.len() == 0:
        return 0
    if (costs < 0).any():
        raise ValueError("costs cannot be negative")
    return int((costs.cum_sum() <= budget).sum())


def monthly_costs(programmes, start_month: str, months: int, payer_kind: str,
                  rates: tuple[Rate, ...] | None = None) -> dict[str, int]:
    """Month -> Rupiah for one member on the minimum income basis, for each month of the period."""
    return {
        month: sum(contribution(None, programmes, month, payer_kind, rates).values())
        for month in months_between(start_month, add_months(start_month, months - 1))
    }


def cost_per_person(programmes, start_month: str, months: int, payer_kind: str,
                    rates: tuple[Rate, ...] | None = None) -> int:
    """Rupiah for one member over the period: each month's contribution on the minimum income basis.

    The regency reports its members on the minimum basis; months may cross a rate change (PP 50/2025's
    discount for workers and sponsors in 2026, for instance).
    """
    return sum(monthly_costs(programmes, start_month, months, payer_kind, rates).values())


# Preview --------------------------------------------------------------------------------------------


@dataclass
class TargetPreview:
    """Who a budget covers, before anything is written."""

    budget: int
    months: int
    start_month: str
    payer: Payer
    programmes: list
    policy: EligibilityPolicy
    eligible: int
    covered: int
    cost: int
    cost_per_person: int
    by_kecamatan: dict
    by_segment: dict
    outside: list
    budget_warning: str | None
    # The full ranking (person_id, rank, cost, ...), kept for commit and for screens; not part of as_json().
    ranking: pl.DataFrame = field(default_factory=pl.DataFrame, repr=False)
    cost_by_year: dict = field(default_factory=dict)

    @property
    def end_month(self) -> str:
        return add_months(self.start_month, self.months - 1)

    @property
    def fingerprint(self) -> str:
        """A digest of the whole ranking: commit refuses if the eligible people or their order changed."""
        return _fingerprint(self.ranking)

    def as_json(self) -> dict:
        return {
            "budget": self.budget,
            "months": self.months,
            "start_month": self.start_month,
            "payer": self.payer.name,
            "programmes": list(self.programmes),
            "eligible": self.eligible,
            "covered": self.covered,
            "cost": self.cost,
            "cost_per_person": self.cost_per_person,
            "by_kecamatan": self.by_kecamatan,
            "by_segment": self.by_segment,
            "budget_warning": self.budget_warning,
        }


def _fingerprint(ranking: pl.DataFrame) -> str:
    ids = ranking["person_id"].cast(pl.Int64).to_numpy().tobytes() if ranking.height else b""
    return hashlib.sha256(ids).hexdigest()


def default_payer() -> Payer:
    from lindung.programmes.services import APBD_PAYER

    payer = Payer.objects.filter(kind="apbd", name=APBD_PAYER).first()
    if payer is None:
        raise TargetingError(f"Pembayar {APBD_PAYER} belum ada / the payer {APBD_PAYER} does not exist")
    return payer


def _validate(budget, months, start_month, programmes) -> list[str]:
    if isinstance(budget, bool) or not isinstance(budget, int) or budget < 0:
        raise TargetingError(
            f"Anggaran harus bilangan bulat Rupiah, 0 atau lebih: {budget!r} / "
            f"the budget must be whole Rupiah, 0 or more: {budget!r}"
        )
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= MAX_MONTHS:
        raise TargetingError(
            f"Jumlah bulan harus 1 sampai {MAX_MONTHS}: {months!r} / months must be 1 to {MAX_MONTHS}: {months!r}"
        )
    try:
        month_start(start_month)
    except ValueError:
        raise TargetingError(
            f"Bulan mulai harus ditulis YYYY-MM: {start_month!r} / "
            f"the first month must be written YYYY-MM: {start_month!r}"
        ) from None
    if isinstance(programmes, str):
        programmes = programmes.split(",")
    codes = list(dict.fromkeys(str(p).strip().upper() for p in programmes if str(p).strip()))
    if not codes:
        raise TargetingError("Pilih minimal satu program / choose at least one programme")
    unknown = sorted(set(codes) - set(Programme.objects.values_list("code", flat=True)))
    if unknown:
        raise TargetingError(f"Program tidak dikenal: {unknown} / unknown programmes: {unknown}")
    return codes


def ranking_of(policy: EligibilityPolicy, start_month: str, months: int, programmes, per_person: int) -> pl.DataFrame:
    """Everyone eligible, read in one query and ranked, with each person's cost for the period."""
    people = eligible_people(policy, start_month, programmes, months=months)
    frame = bulk.read_frame(
        people.order_by().values_list("pk", "welfare_decile", "segment_id", "created_at", "village_id"),
        FRAME_SCHEMA,
    )
    return rank(frame, segment_order(policy)).with_columns(pl.lit(per_person, dtype=pl.Int64).alias("cost"))


def preview(budget: int, months: int, start_month: str, payer: Payer | None = None,
            programmes=DEFAULT_PROGRAMMES, policy: EligibilityPolicy | None = None) -> TargetPreview:
    """Rank everyone eligible and count who `budget` covers for `months` months from `start_month`.

    Covered: the longest prefix of the ranking whose cumulative cost fits the budget. Nothing is written.
    """
    from lindung.programmes.services import rate_schedule

    codes = _validate(budget, months, start_month, programmes)
    payer = payer or default_payer()
    if policy is None:
        try:
            policy = EligibilityPolicy.in_force(month_start(start_month))
        except LookupError:
            raise TargetingError(
                f"Tidak ada kebijakan kelayakan yang berlaku pada {start_month} / "
                f"no eligibility policy in force in {start_month}"
            ) from None
    rates = rate_schedule()
    try:
        by_month = monthly_costs(codes, start_month, months, payer.kind, rates)
    except LookupError as e:
        raise TargetingError(
            f"Tarif tidak lengkap untuk {', '.join(codes)} ({payer.kind}) / incomplete rates: {e}"
        ) from None
    per_person = sum(by_month.values())

    ranking = ranking_of(policy, start_month, months, codes, per_person)
    covered = cover(ranking["cost"], budget)
    chosen = ranking.head(covered)
    cost = int(chosen["cost"].sum()) if covered else 0

    cost_by_year: dict[int, int] = {}
    for month, amount in by_month.items():
        cost_by_year[int(month[:4])] = cost_by_year.get(int(month[:4]), 0) + amount * covered
    order = segment_order(policy)
    by_segment = dict(chosen.group_by("segment").len().rows())
    by_kecamatan = dict(
        chosen.group_by(pl.col("village_id").str.slice(0, len(settings.LINDUNG_REGENCY) + 3).alias("k"))
        .len()
        .sort("k")
        .rows()
    )
    return TargetPreview(
        budget=budget,
        months=months,
        start_month=start_month,
        payer=payer,
        programmes=codes,
        policy=policy,
        eligible=ranking.height,
        covered=covered,
        cost=cost,
        cost_per_person=per_person,
        by_kecamatan=by_kecamatan,
        by_segment={code: by_segment[code] for code in [*order, *sorted(set(by_segment) - set(order))]
                    if code in by_segment},
        outside=_outside(ranking.slice(covered, OUTSIDE_SHOWN)),
        budget_warning=warning_for(payer, start_month, months, cost_by_year, rates) if covered else None,
        ranking=ranking,
        cost_by_year=cost_by_year,
    )


def _outside(rows: pl.DataFrame) -> list[dict]:
    """The next people after the covered ones, with their names (read for these few only)."""
    if rows.height == 0:
        return []
    names = dict(Person.objects.filter(pk__in=rows["person_id"].to_list()).values_list("pk", "full_name"))
    return [
        {
            "rank": row["rank"],
            "person_id": row["person_id"],
            "full_name": names.get(row["person_id"], ""),
            "welfare_decile": row["welfare_decile"],
            "segment": row["segment"],
            "village_id": row["village_id"],
        }
        for row in rows.iter_rows(named=True)
    ]


# Commit ---------------------------------------------------------------------------------------------


def commit(preview: TargetPreview, user=None, note: str = "", allow_over_budget: bool = False) -> EnrolmentBatch:
    """Write the previewed batch: its members (rank, cost) and a candidate membership per programme.

    Refused when the preview warned about the budget (unless allow_over_budget), when it covers nobody,
    and when the eligible people or their order changed since the preview (someone enrolled, registered,
    moved, died…): the officer must look at a new preview, nothing is recomputed silently.
    One transaction; every row is written set-based.
    """
    if preview.covered == 0:
        raise TargetingError(
            "Anggaran ini tidak mencakup siapa pun: tidak ada yang disimpan / "
            "this budget covers nobody: nothing to commit"
        )
    if preview.budget_warning and not allow_over_budget:
        raise TargetingError(preview.budget_warning)
    payer = preview.payer
    end_month = preview.end_month
    with transaction.atomic():
        # One commit at a time per payer: the second waits, then finds its preview out of date.
        Payer.objects.select_for_update().filter(pk=payer.pk).first()
        now_ranking = ranking_of(
            preview.policy, preview.start_month, preview.months, preview.programmes, preview.cost_per_person
        )
        if _fingerprint(now_ranking) != preview.fingerprint:
            raise TargetingError(
                f"Data berubah sejak pratinjau ({preview.eligible:,} layak saat itu, {now_ranking.height:,} sekarang): "
                f"buat pratinjau baru / the eligible people changed since the preview ({preview.eligible:,} then, "
                f"{now_ranking.height:,} now): preview again"
            )
        if not allow_over_budget and not preview.budget_warning:
            warning = warning_for(payer, preview.start_month, preview.months, preview.cost_by_year)
            if warning:
                raise TargetingError(warning)
        batch = EnrolmentBatch.objects.create(
            kind=EnrolmentBatch.Kind.TARGETING,
            payer=payer,
            programmes=list(preview.programmes),
            start_month=preview.start_month,
            months=preview.months,
            budget=preview.budget,
            people=preview.covered,
            cost=preview.cost,
            note=note[:300],
            created_by=user,
        )
        chosen = preview.ranking.head(preview.covered)
        bulk.insert_rows(
            BatchMember,
            ["batch", "person", "rank", "cost", "status"],
            chosen.select(
                pl.lit(batch.pk, dtype=pl.Int64).alias("batch"),
                "person_id",
                "rank",
                "cost",
                pl.lit(BatchMemberStatus.CANDIDATE.value).alias("status"),
            ).iter_rows(),
        )
        members = BatchMember.objects.filter(batch=batch)
        now = timezone.now()
        user_id = Value(user.pk if user else None, output_field=IntegerField())
        for programme in preview.programmes:
            bulk.insert_from_select(
                Membership,
                members,
                {
                    "person": F("person_id"),
                    "programme": Value(programme),
                    "payer": Value(payer.pk),
                    "start_month": Value(preview.start_month),
                    "village": F("person__village_id"),
                    "segment": F("person__segment_id"),
                    "in_register": Value(True),  # only people in the register are targeted
                    "end_month": Value(end_month),
                    "status": Value(MembershipStatus.CANDIDATE.value),
                    "created_at": Value(now),
                    "created_by": user_id,
                },
                order_by=["person_id"],
            )
        created = Membership.objects.filter(
            Exists(BatchMember.objects.filter(batch=batch, person_id=OuterRef("person_id"))),
            programme_id__in=preview.programmes,
            start_month=preview.start_month,
        )
        bulk.insert_from_select(
            MembershipChange,
            created,
            {
                "membership": F("pk"),
                "at": Value(now),
                "month": Value(preview.start_month),
                "status": Value(MembershipStatus.CANDIDATE.value),
                "reason": Value(f"targeted in batch #{batch.pk}"),
                "user": user_id,
            },
            order_by=["pk"],
        )
        audit.record(
            "enrolment.commit",
            user=user,
            target=batch,
            summary=f"batch #{batch.pk}: {preview.covered:,} people from {preview.start_month}, Rp {preview.cost:,}",
            after={
                **preview.as_json(),
                "batch": batch.pk,
                "policy": preview.policy.pk,
                "over_budget_allowed": bool(preview.budget_warning and allow_over_budget),
            },
        )
    return batch
