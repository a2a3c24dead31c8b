"""What the rules promise a BPU member's family after a death or a work accident: a pure calculator.

Plain functions over plain values, no database. Every amount, multiplier, percentage and period is a
row of data/benefits.csv with the date it takes effect and its source (docs/DOMAIN.md, "Benefits
(PP 82/2019; Permenaker 5/2021)"); the rules in force on the incident date apply. See data/SOURCE.md.

    estimate("death", None, date(2020, 1, 1), date(2024, 5, 1)).total == 42_000_000

Kinds: death (JKM, death not from a work accident), work_death, total_disability, partial_disability
and temporary (JKK, work accident; the wage is the member's declared monthly income).

Interpretations (documented in data/SOURCE.md as well):
- protected: the incident is on or after member_since. Whether contributions lapsed (3 unpaid months)
  is for the caller to check with the billing records; an incident before member_since is not an
  error but an Estimate with protected=False, total 0 and the reason.
- JKM within the first months of membership (*reported*): a death before member_since + 3 months (same
  day of the month, clamped to the month's end) pays only jkm_new_member_amount. It applies to JKM only;
  a work-accident death is covered from the first day. A row with 0 months switches it off.
- work_death: the 48 x wage part is raised to the JKM death benefit in force (lump sum + periodic +
  funeral, Rp 42 M) when it is lower; the JKK funeral and periodic benefit come on top.
- scholarship: children is a sequence of levels or (level, years_remaining) pairs, one per child, in
  the order the family gives; years_remaining (default: the level's maximum) are the years still to be
  paid at the child's current level, and every later level up to university counts in full: the
  estimate is the most the child can receive. Only the first scholarship_max_children children are
  paid (the others are listed with 0), in all at most scholarship_total_max; only after the minimum
  years of membership on the incident date (otherwise listed with 0 and the reason). A child not yet
  at school is ("kindergarten", 2).
- transport: for the JKK kinds, costs per mode (land, sea, air) are reimbursed up to each mode's cap;
  costs for one mode are added up first. Without costs, one part of 0 names the caps.
- medical care: for the JKK kinds, a part of 0 ("paid by BPJS to the provider, no ceiling").
- Amounts are whole Rupiah, rounded down where a percentage makes a fraction.
"""
import csv
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import cache
from pathlib import Path

BENEFITS_CSV = Path(__file__).resolve().parent / "data" / "benefits.csv"

KINDS = ("death", "work_death", "total_disability", "partial_disability", "temporary")
JKK_KINDS = ("work_death", "total_disability", "partial_disability", "temporary")
SCHOLARSHIP_KINDS = ("death", "work_death")
UNITS = ("rupiah", "percent", "months", "years", "children")

LEVELS = ("kindergarten", "primary", "junior_high", "senior_high", "university")
LEVEL_NAMES = {
    "kindergarten": "kindergarten",
    "primary": "primary",
    "junior_high": "junior high",
    "senior_high": "senior high",
    "university": "university or training",
}
LEVEL_ALIASES = {
    "tk": "kindergarten", "paud": "kindergarten", "sd": "primary", "smp": "junior_high", "sma": "senior_high",
    "smk": "senior_high", "pt": "university", "kuliah": "university", "training": "university",
    "pelatihan": "university", "junior-high": "junior_high", "senior-high": "senior_high",
}
TRANSPORT_MODES = ("land", "sea", "air")
TRANSPORT_ALIASES = {"darat": "land", "laut": "sea", "udara": "air"}

# Every rule the calculator reads; the shipped data has each of them.
RULE_NAMES = (
    "jkm_lump_sum", "jkm_periodic", "jkm_funeral", "jkm_new_member_months", "jkm_new_member_amount",
    "jkm_scholarship_min_membership_years", "jkk_scholarship_min_membership_years", "scholarship_max_children",
    *(f"scholarship_{level}_{what}" for level in LEVELS for what in ("per_year", "years")),
    "scholarship_total_max",
    "jkk_death_percent", "jkk_death_months", "jkk_funeral", "jkk_periodic",
    "jkk_total_disability_percent", "jkk_total_disability_months", "jkk_partial_disability_months",
    "jkk_stmb_first_months", "jkk_stmb_first_percent", "jkk_stmb_after_percent",
    *(f"jkk_transport_{mode}" for mode in TRANSPORT_MODES),
    "jkk_medical_care",
)


class BenefitError(ValueError):
    """A question the calculator cannot answer; the message is "Indonesian / English"."""


@dataclass(frozen=True)
class BenefitRule:
    """One row of data/benefits.csv: a whole number (Rupiah, percent, months, years or children)."""

    name: str
    effective_from: date
    value: int
    unit: str
    description: str
    source: str

    def __post_init__(self):
        if not self.name.strip():
            raise ValueError("a benefit rule needs a name")
        if self.unit not in UNITS:
            raise ValueError(f"unknown unit {self.unit!r} for {self.name}")
        if type(self.value) is not int or self.value < 0:
            raise ValueError(f"{self.name}: the value must be a whole number, not negative")
        if self.unit == "percent" and self.value > 100:
            raise ValueError(f"{self.name}: {self.value} % is more than 100")
        if not self.source.strip():
            raise ValueError(f"{self.name}: every rule names its source")


@dataclass(frozen=True)
class Part:
    """One amount of an estimate and the rule it comes from, with its source."""

    name: str
    amount: int
    rule: str

    def __post_init__(self):
        if type(self.amount) is not int or self.amount < 0:
            raise ValueError(f"{self.name}: an amount is a whole, non-negative number of Rupiah")

    def as_json(self) -> dict:
        return {"name": self.name, "amount": self.amount, "rule": self.rule}


@dataclass(frozen=True)
class Estimate:
    kind: str
    protected: bool
    total: int
    parts: tuple[Part, ...] = ()
    reasons: tuple[str, ...] = ()

    def __post_init__(self):
        if self.total != sum(p.amount for p in self.parts):
            raise ValueError("the total is the sum of the parts")

    def as_json(self) -> dict:
        return {
            "kind": self.kind,
            "protected": self.protected,
            "total": self.total,
            "parts": [p.as_json() for p in self.parts],
            "reasons": list(self.reasons),
        }


# The rules as data ----------------------------------------------------------------------------------


def read_rules(path: Path = BENEFITS_CSV) -> tuple[BenefitRule, ...]:
    with open(path, newline="", encoding="utf-8") as f:
        rules = tuple(
            BenefitRule(
                name=row["name"],
                effective_from=date.fromisoformat(row["effective_from"]),
                value=int(row["value"]),
                unit=row["unit"],
                description=row["description"],
                source=row["source"],
            )
            for row in csv.DictReader(f)
        )
    keys = [(r.name, r.effective_from) for r in rules]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise ValueError(f"two rows for the same rule and date: {duplicates}")
    return rules


@cache
def shipped_rules() -> tuple[BenefitRule, ...]:
    return read_rules()


def rule_in_force(name: str, on: date, rules: tuple[BenefitRule, ...] | None = None) -> BenefitRule:
    """The row of `name` in force on `on` (the latest effective_from on or before it)."""
    candidates = [r for r in (shipped_rules() if rules is None else rules) if r.name == name and r.effective_from <= on]
    if not candidates:
        raise BenefitError(
            f"Tidak ada aturan manfaat {name} yang berlaku pada {on} / no benefit rule {name} in force on {on}"
        )
    return max(candidates, key=lambda r: r.effective_from)


class _InForce:
    """The rules in force on one date, and the text that cites them."""

    def __init__(self, rules, on: date):
        self.rules, self.on = rules, on

    def rule(self, name: str) -> BenefitRule:
        return rule_in_force(name, self.on, self.rules)

    def __getitem__(self, name: str) -> int:
        return self.rule(name).value

    def cite(self, text: str, *names: str) -> str:
        sources = list(dict.fromkeys(self.rule(n).source for n in names))
        return f"{text} — {'; '.join(sources)}"

    def part(self, part_name: str, name: str) -> Part:
        """A part that is one rule's amount, cited with its own description."""
        rule = self.rule(name)
        return Part(part_name, rule.value, f"{rule.description} — {rule.source}")


def rp(amount: int) -> str:
    return f"Rp {amount:,}"


# Checking the question ------------------------------------------------------------------------------


def _check_date(value, what: str) -> date:
    if not isinstance(value, date) or isinstance(value, datetime):
        raise BenefitError(f"{what} harus tanggal / {what} must be a date: {value!r}")
    return value


def _check_income(kind: str, income) -> int | None:
    if income is None:
        if kind in JKK_KINDS:
            raise BenefitError(
                f"Penghasilan yang dilaporkan wajib untuk {kind} / the declared income is needed for {kind}"
            )
        return None
    if type(income) is not int:
        raise BenefitError(f"Penghasilan harus Rupiah bulat / income must be whole Rupiah: {income!r}")
    if income < 0:
        raise BenefitError(f"Penghasilan tidak boleh negatif / income cannot be negative: {income}")
    return income


def _check_percent(kind: str, percent) -> Fraction | None:
    if kind != "partial_disability":
        if percent is not None:
            raise BenefitError(
                f"Persentase cacat hanya untuk partial_disability / a disability percent is only for "
                f"partial_disability, not {kind}"
            )
        return None
    if percent is None:
        raise BenefitError(
            "Persentase cacat (tabel) wajib untuk partial_disability / partial_disability needs the table percent"
        )
    try:
        if isinstance(percent, bool):
            raise TypeError
        if isinstance(percent, (int, Fraction)):
            value = Fraction(percent)
        else:  # float, Decimal or text: as written in decimal, so 12.5 is 25/2 exactly
            value = Fraction(Decimal(str(percent)))
    except (TypeError, ValueError, InvalidOperation, ArithmeticError):
        raise BenefitError(f"Persentase bukan angka / the percent is not a number: {percent!r}") from None
    if not 0 <= value <= 100:
        raise BenefitError(f"Persentase harus 0 sampai 100 / the percent must be from 0 to 100: {percent}")
    return value


def _check_months(kind: str, months) -> int | None:
    if kind != "temporary":
        if months is not None:
            raise BenefitError(
                f"Jumlah bulan hanya untuk temporary / a number of months is only for temporary, not {kind}"
            )
        return None
    if months is None:
        raise BenefitError("Jumlah bulan STMB wajib untuk temporary / temporary needs the months of incapacity")
    if type(months) is not int or months < 0:
        raise BenefitError(
            f"Jumlah bulan harus bilangan bulat, tidak negatif / months must be a whole number, not negative: {months!r}"
        )
    return months


def _level(text) -> str:
    key = str(text).strip().lower().replace(" ", "_")
    key = LEVEL_ALIASES.get(key, key)
    if key not in LEVELS:
        raise BenefitError(
            f"Jenjang pendidikan tidak dikenal / unknown school level {text!r}; known: {', '.join(LEVELS)}"
        )
    return key


def _check_children(kind: str, children) -> tuple[tuple[str, int | None], ...]:
    children = tuple(children or ())
    if children and kind not in SCHOLARSHIP_KINDS:
        raise BenefitError(
            f"Beasiswa hanya untuk death dan work_death / a scholarship is only for death and work_death, not {kind}"
        )
    checked = []
    for child in children:
        if isinstance(child, str):
            level, years = child, None
        else:
            try:
                level, years = child
            except (TypeError, ValueError):
                raise BenefitError(
                    f"Anak ditulis jenjang atau (jenjang, sisa tahun) / a child is a level or (level, years remaining): {child!r}"
                ) from None
        if years is not None and (type(years) is not int or years < 0):
            raise BenefitError(
                f"Sisa tahun harus bilangan bulat, tidak negatif / years remaining must be a whole number, not negative: {years!r}"
            )
        checked.append((_level(level), years))
    return tuple(checked)


def _check_transport(kind: str, transport) -> dict[str, int]:
    items = tuple((transport or {}).items() if isinstance(transport, dict) else (transport or ()))
    if items and kind not in JKK_KINDS:
        raise BenefitError(
            f"Biaya transportasi hanya untuk kecelakaan kerja / transport is only for a work accident, not {kind}"
        )
    costs = {}
    for item in items:
        try:
            mode, cost = item
        except (TypeError, ValueError):
            raise BenefitError(f"Transportasi ditulis (moda, biaya) / transport is (mode, cost): {item!r}") from None
        key = TRANSPORT_ALIASES.get(str(mode).strip().lower(), str(mode).strip().lower())
        if key not in TRANSPORT_MODES:
            raise BenefitError(
                f"Moda transportasi tidak dikenal / unknown transport mode {mode!r}; known: {', '.join(TRANSPORT_MODES)}"
            )
        if type(cost) is not int or cost < 0:
            raise BenefitError(
                f"Biaya transportasi harus Rupiah bulat, tidak negatif / a transport cost is whole Rupiah, not negative: {cost!r}"
            )
        costs[key] = costs.get(key, 0) + cost
    return costs


# Dates ----------------------------------------------------------------------------------------------


def add_months(day: date, n: int) -> date:
    """The same day n months later, or the last day of that month when it is shorter (31 Jan + 1 = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + n
    year, month = divmod(index, 12)
    month += 1
    if year > date.max.year:
        return date.max  # never reached
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    last = (following - date.resolution).day
    return date(year, month, min(day.day, last))


def full_months(start: date, end: date) -> int:
    """Whole months from start to end (0 when end is before start + 1 month)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    while months > 0 and add_months(start, months) > end:
        months -= 1
    return max(months, 0)


def _duration(months: int) -> str:
    years, rest = divmod(months, 12)
    return f"{years} years {rest} months"


# The calculator -------------------------------------------------------------------------------------


def estimate(
    kind: str,
    income: int | None,
    member_since: date,
    incident_date: date,
    percent=None,
    months: int | None = None,
    children=(),
    rules: tuple[BenefitRule, ...] | None = None,
    transport=(),
) -> Estimate:
    """What the rules in force on incident_date promise for this kind of incident.

    income: declared monthly income in whole Rupiah (the JKK wage; not needed for death).
    percent: the anatomical-table percent, for partial_disability only (0 to 100, decimals allowed).
    months: months of temporary incapacity (STMB), for temporary only.
    children: for death and work_death, one entry per child: a level or (level, years_remaining).
    transport: for the JKK kinds, {mode: cost} or (mode, cost) pairs, modes land, sea, air.
    rules: read_rules(path) for other data; default the shipped data/benefits.csv.
    """
    if kind not in KINDS:
        raise BenefitError(f"Jenis klaim tidak dikenal / unknown kind {kind!r}; known: {', '.join(KINDS)}")
    member_since = _check_date(member_since, "member_since")
    incident_date = _check_date(incident_date, "incident_date")
    income = _check_income(kind, income)
    percent = _check_percent(kind, percent)
    months = _check_months(kind, months)
    children = _check_children(kind, children)
    transport = _check_transport(kind, transport)

    if incident_date < member_since:
        reason = (
            f"Kejadian {incident_date} sebelum kepesertaan dimulai {member_since} / "
            f"the incident ({incident_date}) happened before membership began ({member_since})"
        )
        return Estimate(kind, False, 0, (), (reason,))

    r = _InForce(shipped_rules() if rules is None else rules, incident_date)
    if kind == "death":
        parts = _death(r, member_since, incident_date)
    elif kind == "work_death":
        parts = _work_death(r, income)
    elif kind == "total_disability":
        parts = [_times_wage(r, "JKK total permanent disability", "total permanent disability", income,
                             "jkk_total_disability_percent", "jkk_total_disability_months")]
    elif kind == "partial_disability":
        parts = [_partial(r, income, percent)]
    else:
        parts = _temporary(r, income, months)
    if kind in JKK_KINDS:
        parts.append(r.part("JKK medical care", "jkk_medical_care"))
        parts.extend(_transport(r, transport))
    if kind in SCHOLARSHIP_KINDS:
        programme = "jkm" if kind == "death" else "jkk"
        parts.extend(_scholarships(r, programme, member_since, incident_date, children))
    return Estimate(kind, True, sum(p.amount for p in parts), tuple(parts))


def jkm_death_benefit(on: date, rules: tuple[BenefitRule, ...] | None = None) -> int:
    """The JKM death benefit in force on `on` (lump sum + periodic + funeral): the floor of a work death."""
    return _jkm_death_benefit(_InForce(shipped_rules() if rules is None else rules, on))


def _jkm_death_benefit(r: _InForce) -> int:
    return r["jkm_lump_sum"] + r["jkm_periodic"] + r["jkm_funeral"]


def _death(r: _InForce, member_since: date, incident_date: date) -> list[Part]:
    new_months = r["jkm_new_member_months"]
    if new_months and incident_date < add_months(member_since, new_months):
        amount = r["jkm_new_member_amount"]
        return [Part(
            f"JKM within the first {new_months} months of membership",
            amount,
            r.cite(f"JKM for a death within the first {new_months} months of membership: {rp(amount)} only",
                   "jkm_new_member_months", "jkm_new_member_amount"),
        )]
    return [
        r.part("JKM lump sum", "jkm_lump_sum"),
        r.part("JKM periodic benefit paid at once", "jkm_periodic"),
        r.part("JKM funeral", "jkm_funeral"),
    ]


def _work_death(r: _InForce, income: int) -> list[Part]:
    percent, months = r["jkk_death_percent"], r["jkk_death_months"]
    times = income * percent * months // 100
    floor = _jkm_death_benefit(r)
    text = (f"JKK death: {percent} % x {months} = {Fraction(percent * months, 100)} x monthly income "
            f"{rp(income)} = {rp(times)}")
    if times < floor:
        text += f", raised to the JKM death benefit {rp(floor)}"
    else:
        text += f", never less than the JKM death benefit {rp(floor)}"
    return [
        Part("JKK death benefit", max(times, floor),
             r.cite(text, "jkk_death_percent", "jkk_death_months", "jkm_lump_sum", "jkm_periodic", "jkm_funeral")),
        r.part("JKK funeral", "jkk_funeral"),
        r.part("JKK periodic benefit paid at once", "jkk_periodic"),
    ]


def _times_wage(r: _InForce, name: str, what: str, income: int, percent_rule: str, months_rule: str) -> Part:
    percent, months = r[percent_rule], r[months_rule]
    amount = income * percent * months // 100
    return Part(name, amount, r.cite(
        f"JKK {what}: {percent} % x {months} = {Fraction(percent * months, 100)} x monthly income {rp(income)}",
        percent_rule, months_rule,
    ))


def _partial(r: _InForce, income: int, percent: Fraction) -> Part:
    months = r["jkk_partial_disability_months"]
    amount = int(income * percent * months / 100)  # non-negative, so int() rounds down
    shown = f"{float(percent):g}" if percent.denominator != 1 else f"{percent.numerator}"
    return Part("JKK partial disability", amount, r.cite(
        f"JKK partial anatomical disability: table {shown} % x {months} x monthly income {rp(income)}",
        "jkk_partial_disability_months",
    ))


def _temporary(r: _InForce, income: int, months: int) -> list[Part]:
    first_months, first_percent, after_percent = (
        r["jkk_stmb_first_months"], r["jkk_stmb_first_percent"], r["jkk_stmb_after_percent"],
    )
    first = min(months, first_months)
    parts = [Part(
        f"JKK STMB first {first_months} months",
        income * first_percent * first // 100,
        r.cite(f"JKK temporary incapacity: {first_percent} % of monthly income {rp(income)} x {first} months "
               f"(the first {first_months})", "jkk_stmb_first_months", "jkk_stmb_first_percent"),
    )]
    after = months - first
    if after > 0:
        parts.append(Part(
            f"JKK STMB after {first_months} months",
            income * after_percent * after // 100,
            r.cite(f"JKK temporary incapacity: {after_percent} % of monthly income {rp(income)} x {after} months "
                   f"after the first {first_months}, until recovery", "jkk_stmb_first_months", "jkk_stmb_after_percent"),
        ))
    return parts


def _transport(r: _InForce, costs: dict[str, int]) -> list[Part]:
    names = [f"jkk_transport_{mode}" for mode in TRANSPORT_MODES]
    if not costs:
        caps = ", ".join(f"{rp(r[f'jkk_transport_{mode}'])} by {mode}" for mode in TRANSPORT_MODES)
        return [Part("JKK transport", 0, r.cite(f"JKK transport: reimbursed at cost, at most {caps}", *names))]
    parts = []
    for mode in TRANSPORT_MODES:
        if mode in costs:
            cap = r[f"jkk_transport_{mode}"]
            parts.append(Part(f"JKK transport ({mode})", min(costs[mode], cap), r.cite(
                f"JKK transport by {mode}: reimbursed at cost {rp(costs[mode])}, at most {rp(cap)}",
                f"jkk_transport_{mode}",
            )))
    return parts


def _scholarship_for(r: _InForce, level: str, years_remaining: int | None) -> tuple[int, str]:
    """The most one child can receive from `level` on, and how: (amount, 'primary 4 x Rp 1,500,000, ...')."""
    most = r[f"scholarship_{level}_years"]
    years = most if years_remaining is None else years_remaining
    if years > most:
        raise BenefitError(
            f"Beasiswa {level} paling lama {most} tahun / the {level} scholarship lasts at most {most} years, "
            f"not {years}"
        )
    amount, steps = 0, []
    for index, current in enumerate(LEVELS[LEVELS.index(level):]):
        count = years if index == 0 else r[f"scholarship_{current}_years"]
        per_year = r[f"scholarship_{current}_per_year"]
        amount += count * per_year
        steps.append(f"{LEVEL_NAMES[current]} {count} x {rp(per_year)}")
    return amount, ", ".join(steps)


def _scholarships(r: _InForce, programme: str, member_since: date, incident_date: date, children) -> list[Part]:
    if not children:
        return []
    label = programme.upper()
    level_rules = [f"scholarship_{level}_{what}" for level in LEVELS for what in ("per_year", "years")]
    minimum_rule = f"{programme}_scholarship_min_membership_years"
    minimum = r[minimum_rule]
    if incident_date < add_months(member_since, 12 * minimum):
        held = _duration(full_months(member_since, incident_date))
        return [Part("scholarship", 0, r.cite(
            f"{label} scholarship: none, membership was {held} on the incident date, at least {minimum} years needed",
            minimum_rule,
        ))]
    most_children, cap = r["scholarship_max_children"], r["scholarship_total_max"]
    parts, paid = [], 0
    for number, (level, years) in enumerate(children, start=1):
        name = f"scholarship, child {number}"
        if number > most_children:
            parts.append(Part(name, 0, r.cite(f"{label} scholarship: at most {most_children} children",
                                              "scholarship_max_children")))
            continue
        amount, steps = _scholarship_for(r, level, years)
        text = f"{label} scholarship, up to: {steps}"
        if paid + amount > cap:
            amount = cap - paid
            text += f"; capped at {rp(cap)} in all"
        paid += amount
        parts.append(Part(name, amount, r.cite(text, minimum_rule, *level_rules, "scholarship_max_children",
                                               "scholarship_total_max")))
    return parts
