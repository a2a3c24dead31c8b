"""A deterministic synthetic register of vulnerable informal workers, for demos and benchmarks.

Pure: no Django, no database, no files. The caller passes the regency's villages (from the Kemendagri
table) and some districts elsewhere; the same arguments always give the same frame.

Knowledge of Kabupaten Bekasi (where rice fields, coast and towns are) is kept as data below, keyed by
kecamatan code; any other district gets a neutral profile, so the generator works for any village list.
"""
from __future__ import annotations

import math
import random
import re
from bisect import bisect
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate

import polars as pl

from lindung.registry import demo_names as names
from lindung.registry.nik import make_nik

SEGMENTS = (
    "farmer", "farm_labourer", "fisher", "street_vendor", "driver", "construction", "household_worker",
    "religious_teacher", "mosque_keeper", "rt_rw", "posyandu_cadre", "non_asn", "other",
)

# The 2023 Kabupaten Bekasi programme (DOMAIN.md): 75,903 workers, 28,800 of them rice farmers.
BEKASI_WORKERS = 75_903
BEKASI_FARMERS = 28_800

SCHEMA = {
    "nik": pl.String, "kk": pl.String, "full_name": pl.String, "birth_place": pl.String,
    "birth_date": pl.Date, "sex": pl.String, "village_code": pl.String, "address": pl.String,
    "phone": pl.String, "segment": pl.String, "occupation": pl.String, "income": pl.Int64,
    "welfare_decile": pl.Int8,
}

MIN_AGE, MAX_AGE = 18, 64
KK_SHARE = 0.70          # rows whose family card number is known
DECILE_UNKNOWN = 0.10    # rows not found in the welfare register
# Share of each welfare decile among the registered (poorer households are over-represented).
DECILE_SHARES = (0.19, 0.16, 0.14, 0.12, 0.10, 0.08, 0.07, 0.06, 0.045, 0.035)


@dataclass(frozen=True)
class District:
    """How a kecamatan weighs in where people live and work (approximate, for synthetic data only)."""

    population: float  # thousands of residents, rounded
    farmland: float    # relative extent of rice fields, 0-10
    coast: float       # relative weight of fishing and fish ponds, 0-10
    urban: float       # share of addresses on streets and housing estates rather than kampung


BEKASI_DISTRICTS = {
    "32.16.01": District(150, 3.0, 5.0, 0.40),   # Tarumajaya: coast in the north, Jakarta's edge in the south
    "32.16.02": District(300, 3.0, 4.0, 0.45),   # Babelan: coast, fast-growing housing
    "32.16.03": District(50, 8.0, 0.3, 0.05),    # Sukawangi: rice, rural north
    "32.16.04": District(40, 7.0, 0.2, 0.05),    # Tambelang: rice
    "32.16.05": District(200, 3.0, 0.1, 0.40),   # Tambun Utara: rice in the north, suburbs in the south
    "32.16.06": District(500, 0.05, 0.0, 0.85),  # Tambun Selatan: urban west
    "32.16.07": District(250, 0.3, 0.0, 0.75),   # Cibitung: industrial
    "32.16.08": District(260, 0.3, 0.0, 0.75),   # Cikarang Barat: industrial
    "32.16.09": District(300, 0.05, 0.0, 0.85),  # Cikarang Utara: town centre
    "32.16.10": District(130, 7.0, 0.1, 0.15),   # Karang Bahagia: rice
    "32.16.11": District(110, 4.0, 0.1, 0.25),   # Cikarang Timur
    "32.16.12": District(70, 8.0, 0.1, 0.10),    # Kedung Waringin: rice, on the Citarum
    "32.16.13": District(110, 10.0, 0.2, 0.05),  # Pebayuran: rice, the largest farming kecamatan
    "32.16.14": District(50, 9.0, 0.2, 0.05),    # Sukakarya: rice
    "32.16.15": District(90, 7.0, 0.1, 0.15),    # Sukatani: rice
    "32.16.16": District(55, 10.0, 0.5, 0.05),   # Cabangbungin: rice, northern tip
    "32.16.17": District(40, 6.0, 10.0, 0.05),   # Muaragembong: coast, fish ponds, Citarum estuary
    "32.16.18": District(150, 2.0, 0.0, 0.45),   # Setu
    "32.16.19": District(200, 0.5, 0.0, 0.70),   # Cikarang Selatan: industrial estates
    "32.16.20": District(80, 2.0, 0.0, 0.45),    # Cikarang Pusat: government centre
    "32.16.21": District(170, 2.0, 0.0, 0.40),   # Serang Baru
    "32.16.22": District(100, 4.0, 0.0, 0.20),   # Cibarusah: rice and hills in the south-east
    "32.16.23": District(30, 5.0, 0.0, 0.05),    # Bojongmangu: rural south-east
}
NEUTRAL_DISTRICT = District(100, 3.0, 0.5, 0.35)


@dataclass(frozen=True)
class Segment:
    """Who is in a segment: where they live, their sex, age, income and how many came from elsewhere."""

    share: float                   # of the workers who are not rice farmers
    lives_by: str                  # "population", "farmland" or "coast": which district weight applies
    female: float                  # probability that a member is a woman
    age: tuple[int, int, int]      # triangular distribution: youngest, most common, oldest
    income: tuple[int, float, int, int]  # median Rp per month, log-normal sigma, floor, ceiling
    migrant: float                 # share whose NIK was issued outside the regency


SEGMENT_PROFILES = {
    "farmer": Segment(0.0, "farmland", 0.18, (25, 52, 65), (1_800_000, 0.35, 600_000, 6_000_000), 0.04),
    "farm_labourer": Segment(0.17, "farmland", 0.40, (18, 42, 65), (1_300_000, 0.35, 500_000, 3_500_000), 0.08),
    "fisher": Segment(0.04, "coast", 0.05, (18, 40, 65), (1_900_000, 0.45, 500_000, 7_000_000), 0.06),
    "street_vendor": Segment(0.17, "population", 0.50, (20, 40, 65), (2_000_000, 0.45, 500_000, 8_000_000), 0.18),
    "driver": Segment(0.12, "population", 0.04, (19, 33, 60), (2_600_000, 0.35, 800_000, 7_000_000), 0.15),
    "construction": Segment(0.12, "population", 0.03, (18, 35, 62), (2_800_000, 0.30, 1_000_000, 6_000_000), 0.25),
    "household_worker": Segment(0.06, "population", 0.92, (18, 38, 62), (1_700_000, 0.35, 500_000, 4_500_000), 0.25),
    "religious_teacher": Segment(0.06, "population", 0.22, (20, 45, 65), (900_000, 0.50, 200_000, 4_000_000), 0.08),
    "mosque_keeper": Segment(0.03, "population", 0.03, (25, 52, 65), (1_000_000, 0.45, 300_000, 3_500_000), 0.05),
    "rt_rw": Segment(0.05, "population", 0.08, (30, 50, 65), (1_800_000, 0.50, 500_000, 6_000_000), 0.06),
    "posyandu_cadre": Segment(0.05, "population", 0.97, (22, 40, 62), (1_000_000, 0.50, 200_000, 3_500_000), 0.06),
    "non_asn": Segment(0.06, "population", 0.50, (21, 33, 58), (2_300_000, 0.35, 800_000, 5_500_000), 0.10),
    "other": Segment(0.07, "population", 0.40, (18, 38, 65), (1_900_000, 0.50, 400_000, 7_000_000), 0.15),
}

VILLAGE_CODE = re.compile(r"\d{2}\.\d{2}\.\d{2}\.\d{4}")
DISTRICT_CODE = re.compile(r"\d{2}\.\d{2}\.\d{2}")


def default_farmers(workers: int) -> int:
    """Rice farmers in a register of `workers`, in Bekasi's 2023 proportion."""
    return round(workers * BEKASI_FARMERS / BEKASI_WORKERS)


def generate_register(
    *,
    workers: int = BEKASI_WORKERS,
    seed: int = 1,
    villages: list[tuple[str, str]],
    other_districts: list[str],
    today: date,
    farmers: int | None = None,
) -> pl.DataFrame:
    """One row per synthetic person living in one of `villages`; identical for identical arguments."""
    farmers = default_farmers(workers) if farmers is None else farmers
    _check_arguments(workers, farmers, villages, other_districts)
    # A string seed is hashed with SHA-512 by `random`, so -1 and 1 give different registers.
    rng = random.Random(f"lindung-demo:{seed}")
    places = [_Village(code, name, rng) for code, name in villages]
    people = _People(rng, places, list(other_districts), today)
    rows = [people.person(segment) for segment in _segments(rng, workers, farmers)]
    columns = list(zip(*rows)) or [()] * (len(SCHEMA) - 1)
    columns.append(_welfare_deciles(rng, columns[-1]))
    return pl.DataFrame(dict(zip(SCHEMA, columns)), schema=SCHEMA)


def _check_arguments(workers, farmers, villages, other_districts) -> None:
    if workers < 0:
        raise ValueError("workers must not be negative")
    if not 0 <= farmers <= workers:
        raise ValueError("farmers must be between 0 and workers")
    if not villages:
        raise ValueError("at least one village is needed")
    bad = [code for code, _ in villages if not VILLAGE_CODE.fullmatch(code)]
    bad += [code for code in other_districts if not DISTRICT_CODE.fullmatch(code)]
    if bad:
        raise ValueError(f"not a dotted Kemendagri code of the right level: {bad[:5]}")


def _segments(rng: random.Random, workers: int, farmers: int) -> list[str]:
    """Each person's segment, in random order: exactly `farmers` farmers, the rest by segment share."""
    others = [s for s in SEGMENTS if s != "farmer"]
    counts = _apportion(workers - farmers, [SEGMENT_PROFILES[s].share for s in others])
    segments = ["farmer"] * farmers
    for segment, count in zip(others, counts):
        segments += [segment] * count
    rng.shuffle(segments)
    return segments


def _apportion(total: int, weights: list[float]) -> list[int]:
    """Split `total` into whole parts proportional to `weights` (largest remainder)."""
    exact = [total * w / sum(weights) for w in weights]
    parts = [math.floor(x) for x in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: parts[i] - exact[i])
    for i in by_remainder[: total - sum(parts)]:
        parts[i] += 1
    return parts


class _Village:
    """A village with its own few kampung, housing estates and RW, so addresses in it repeat like real ones."""

    def __init__(self, code: str, name: str, rng: random.Random):
        self.code, self.name = code, name
        self.district = code[:8]
        profile = BEKASI_DISTRICTS.get(self.district, NEUTRAL_DISTRICT)
        is_kelurahan = code[9] == "1"  # Kemendagri: 1xxx kelurahan (urban), 2xxx desa
        self.urban = max(profile.urban, 0.8) if is_kelurahan else profile.urban
        self.kampung = rng.sample(names.KAMPUNG, 6)
        self.estates = rng.sample(names.HOUSING_ESTATES, 2)
        self.rw_count = rng.randint(4, 16)


def _village_weights(places: list[_Village], lives_by: str) -> list[float]:
    """Weights of the villages for a segment: the district's weight shared among its villages."""
    per_district: dict[str, int] = {}
    for v in places:
        per_district[v.district] = per_district.get(v.district, 0) + 1
    weights = [
        getattr(BEKASI_DISTRICTS.get(v.district, NEUTRAL_DISTRICT), lives_by) / per_district[v.district]
        for v in places
    ]
    if lives_by == "farmland":
        # Kelurahan are the built-up part of a kecamatan: few rice fields.
        weights = [w * (0.2 if v.code[9] == "1" else 1.0) for w, v in zip(weights, places)]
    if sum(weights) <= 0:  # e.g. fishers in a village list with no coast
        weights = [1.0] * len(places)
    return weights


class _Choice:
    """Repeated weighted choice from fixed options, faster than rng.choices for one item at a time."""

    def __init__(self, options: list, weights: list[float]):
        self.options = options
        self.cumulative = list(accumulate(weights))
        self.total = self.cumulative[-1]
        self.last = len(options) - 1

    @classmethod
    def of(cls, weighted: dict) -> "_Choice":
        return cls(list(weighted), list(weighted.values()))

    def pick(self, rng: random.Random):
        # min(): rounding can carry random() * total up to total itself.
        return self.options[min(self.last, bisect(self.cumulative, rng.random() * self.total))]


class _People:
    """Makes one person at a time; remembers the numbers already issued so NIK, KK and phone stay unique."""

    def __init__(self, rng: random.Random, places: list[_Village], other_districts: list[str], today: date):
        self.rng, self.other_districts, self.today = rng, other_districts, today
        self.villages = {
            lives_by: _Choice(places, _village_weights(places, lives_by))
            for lives_by in ("population", "farmland", "coast")
        }
        self.issued: set[str] = set()  # NIK and KK share the 16-digit shape: keep them apart too
        self.phones: set[str] = set()
        self.born_elsewhere = _Choice.of(names.BORN_ELSEWHERE)
        self.cultures = {mix: _Choice.of(weights) for mix, weights in names.CULTURE_MIX.items()}
        self.prefixes = {sex: _Choice.of(p) for sex, p in names.ISLAMIC_PREFIX.items()}
        self.phone_prefix = _Choice.of(names.PHONE_PREFIXES)
        self.phone_length = _Choice.of({10: 2, 11: 20, 12: 63, 13: 15})
        # Most declare a round figure.
        self.income_step = _Choice.of({100_000: 60, 50_000: 25, 1_000: 15})
        self.name_patterns = {tradition: _Choice.of(w) for tradition, w in NAME_PATTERNS.items()}
        self.occupations = {
            (segment, sex): _Choice.of({text: w for text, w, only in options if only in (None, sex)})
            for segment, options in names.OCCUPATIONS.items()
            for sex in ("L", "P")
        }

    def person(self, segment: str) -> tuple:
        rng, profile = self.rng, SEGMENT_PROFILES[segment]
        sex = "P" if rng.random() < profile.female else "L"
        birth_date = self.birth_date(profile.age)
        village = self.villages[profile.lives_by].pick(rng)
        migrant = bool(self.other_districts) and rng.random() < profile.migrant
        issued_in = rng.choice(self.other_districts) if migrant else village.district
        birth_place = self.birth_place(issued_in if migrant else None)
        culture = self.cultures[names.BIRTH_PLACE_CULTURE[birth_place]].pick(rng)
        return (
            self.nik(issued_in, birth_date, sex),
            self.kk(village.district, birth_date) if rng.random() < KK_SHARE else None,
            self.full_name(sex, culture, birth_date.year),
            birth_place,
            birth_date,
            sex,
            village.code,
            self.address(village),
            self.phone(birth_date),
            segment,
            self.occupations[segment, sex].pick(rng),
            self.income(profile.income),
        )

    def birth_date(self, age_shape: tuple[int, int, int]) -> date:
        """A birth date giving an age (on `today`) drawn from the segment's shape, within 18-64."""
        low, mode, high = age_shape
        age = min(MAX_AGE, max(MIN_AGE, int(self.rng.triangular(low, high, mode))))
        latest = _years_before(self.today, age)
        earliest = _years_before(self.today, age + 1) + timedelta(days=1)
        return earliest + timedelta(days=self.rng.randrange((latest - earliest).days + 1))

    def birth_place(self, issued_elsewhere: str | None) -> str:
        """Mostly Bekasi; migrants mostly born in the region that issued their NIK."""
        rng = self.rng
        if issued_elsewhere is None:
            return "Bekasi" if rng.random() < 0.82 else self.born_elsewhere.pick(rng)
        if rng.random() < 0.85:
            place = names.BIRTH_PLACE_OF_REGENCY.get(issued_elsewhere[:5])
            if place is None and issued_elsewhere[:2] in names.BIRTH_PLACES_OF_PROVINCE:
                place = rng.choice(names.BIRTH_PLACES_OF_PROVINCE[issued_elsewhere[:2]])
            if place is not None:
                return place
        return self.born_elsewhere.pick(rng)

    def nik(self, district: str, birth_date: date, sex: str) -> str:
        """A NIK not issued before; serials count up per birth date at an office, so most are small."""
        serial = 1 + min(9998, int(self.rng.expovariate(1 / 6)))
        return self._unused(lambda s: make_nik(district, birth_date, sex, s), serial)

    def kk(self, district: str, birth_date: date) -> str:
        """A family card number issued in the district of residence after the person turned 17."""
        adult = _years_before(birth_date, -17) + timedelta(days=1)
        # Family cards are reissued at every change in the household, so most are recent.
        issued_on = self.today - timedelta(days=int((self.today - adult).days * self.rng.random() ** 2))
        prefix = f"{district.replace('.', '')}{issued_on:%d%m%y}"
        serial = 1 + min(9998, int(self.rng.expovariate(1 / 20)))
        return self._unused(lambda s: f"{prefix}{s:04d}", serial)

    def _unused(self, number_for, serial: int) -> str:
        for step in range(9999):
            number = number_for((serial - 1 + step) % 9999 + 1)
            if number not in self.issued:
                self.issued.add(number)
                return number
        raise ValueError("all 9,999 serials of a district and date are used: too many people for the villages")

    def full_name(self, sex: str, culture: str, birth_year: int) -> str:
        rng = self.rng
        # Names in fashion since the 1990s (Rizky Pratama, Putri Ayu) replace the traditional ones.
        modern = min(0.8, max(0.0, (birth_year - 1978) / 25))
        tradition = "modern" if rng.random() < modern else culture
        words = self.name_words(sex, tradition)
        return " ".join(self.spelling(word) for word in words)

    def name_words(self, sex: str, tradition: str) -> list[str]:
        """One to three words, following a pattern common in the tradition."""
        rng = self.rng
        pattern = self.name_patterns[tradition].pick(rng)
        if pattern == "single":
            return [self.given(sex, tradition)]
        if pattern == "given_second":
            given = self.given(sex, tradition)
            return [given, self.second(sex, tradition, given)]
        if pattern == "opener_second":
            return [rng.choice(names.JAVANESE_OPENER[sex]), self.second(sex, tradition, None)]
        words = self.islamic_start(sex, tradition)
        if pattern == "islamic_second":
            if words[0] == "Siti" and rng.random() < 0.4:
                return ["Siti", "Nur", rng.choice(names.AFTER_NUR)]
            words.append(self.second(sex, tradition, words[-1]))
        return words

    def given(self, sex: str, tradition: str) -> str:
        # Arabic-derived names are given in every tradition.
        pool = "islam" if tradition != "modern" and self.rng.random() < 0.2 else tradition
        return self.rng.choice(names.GIVEN[sex, pool])

    def second(self, sex: str, tradition: str, after: str | None) -> str:
        pool = names.SECOND[sex, tradition]
        word = self.rng.choice(pool)
        return word if word != after else self.rng.choice(pool)

    def islamic_start(self, sex: str, tradition: str) -> list[str]:
        prefix = self.prefixes[sex].pick(self.rng)
        if prefix == "Abdul":
            return [prefix, self.rng.choice(names.AFTER_ABDUL)]
        if prefix in ("Nur", "Nurul"):
            return [prefix, self.rng.choice(names.AFTER_NUR)]
        return [prefix, self.given(sex, tradition)]

    def spelling(self, word: str) -> str:
        variants = names.VARIANTS.get(word)
        if variants and self.rng.random() < 0.25:
            return self.rng.choice(variants)
        return word

    def address(self, village: _Village) -> str:
        rng = self.rng
        rt, rw = rng.randint(1, 12), rng.randint(1, village.rw_count)
        if rng.random() < village.urban:
            if rng.random() < 0.5:
                block = f"{rng.choice('ABCDEFGHJK')}{rng.randint(1, 12)}"
                estate = rng.choice(village.estates)
                return f"Perum {estate} Blok {block} No. {rng.randint(1, 40)} RT {rt:03d}/RW {rw:03d}"
            street = f"Raya {village.name}" if rng.random() < 0.35 else rng.choice(names.STREETS)
            return f"Jl. {street} No. {rng.randint(1, 150)} RT {rt:03d}/RW {rw:03d}"
        if rng.random() < 0.75:
            return f"Kp. {rng.choice(village.kampung)} RT {rt:03d}/RW {rw:03d}"
        return f"Dusun {rng.choice(names.DUSUN_NUMERALS)} RT {rt:02d}/RW {rw:02d}"

    def phone(self, birth_date: date) -> str | None:
        """A mobile number for about three in four people, fewer among the old."""
        rng = self.rng
        if rng.random() >= (0.88 if birth_date.year > 1985 else 0.68):
            return None
        while True:
            prefix = self.phone_prefix.pick(rng)
            rest = self.phone_length.pick(rng) - len(prefix)  # lengths count every digit, "08" included
            number = f"{prefix}{rng.randrange(10**rest):0{rest}d}"
            if number not in self.phones:
                self.phones.add(number)
                return number

    def income(self, shape: tuple[int, float, int, int]) -> int:
        """Declared monthly income: log-normal around the median, rounded as people declare it."""
        median, sigma, floor, ceiling = shape
        amount = min(ceiling, max(floor, median * math.exp(sigma * self.rng.gauss(0, 1))))
        step = self.income_step.pick(self.rng)
        return max(step, round(amount / step) * step)


# How names are built in each tradition (weights): one given name (Juhri); given + second (Asep
# Saepudin); a Javanese opener + second (Sri Wahyuni); Muhammad/Ahmad/Abdul/Siti/Nur + a name (Siti
# Aminah, Abdul Rohman); the same with a third word (Muhammad Rizky Pratama, Siti Nur Hasanah).
NAME_PATTERNS = {
    "sunda": {"single": 22, "given_second": 46, "islamic": 22, "islamic_second": 10},
    "betawi": {"single": 32, "given_second": 18, "islamic": 42, "islamic_second": 8},
    "jawa": {"single": 30, "given_second": 28, "opener_second": 20, "islamic": 16, "islamic_second": 6},
    "modern": {"single": 10, "given_second": 55, "islamic": 18, "islamic_second": 17},
}


def _welfare_deciles(rng: random.Random, incomes: list[int]) -> list[int | None]:
    """Welfare-register decile per person: lower for lower incomes, noisy, skewed to the poor; some unknown."""
    known = [i for i in range(len(incomes)) if rng.random() >= DECILE_UNKNOWN]
    # Income explains part of the ranking; assets and household size (the noise) the rest.
    score = {i: math.log(incomes[i]) + rng.gauss(0, 0.45) for i in known}
    deciles: list[int | None] = [None] * len(incomes)
    bounds = list(accumulate(DECILE_SHARES))
    for rank, i in enumerate(sorted(known, key=score.__getitem__)):
        deciles[i] = min(10, bisect(bounds, (rank + 0.5) / len(known)) + 1)
    return deciles


def _years_before(day: date, years: int) -> date:
    """The same calendar day `years` earlier (negative: later); 29 February becomes the 28th."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)
