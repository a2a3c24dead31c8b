"""Class breaks for a choropleth: which colour a value gets, and the legend that says so.

Quantile breaks on the distinct values: every class holds at least one of the values drawn, skewed figures
(most villages with few members, a handful with many) still spread over the colours. Each value falls in
exactly one class: classes are [low, next low) and the last one [low, high], closed. A value that is
missing (None: no figure, e.g. no denominator) falls in no class and is drawn as "no data".
"""
from dataclasses import dataclass

# ColorBrewer "Greens", light to dark, for 1 to 5 classes.
PALETTES = {
    1: ["#31a354"],
    2: ["#a1d99b", "#31a354"],
    3: ["#c7e9c0", "#74c476", "#238b45"],
    4: ["#c7e9c0", "#74c476", "#31a354", "#006d2c"],
    5: ["#edf8e9", "#bae4b3", "#74c476", "#31a354", "#006d2c"],
}
NO_DATA = "#d9d9d9"


@dataclass(frozen=True)
class Band:
    low: float
    high: float
    closed: bool  # the last class includes its upper bound
    colour: str

    def contains(self, value) -> bool:
        if value is None:
            return False
        return self.low <= value <= self.high if self.closed else self.low <= value < self.high

    def label(self, fmt) -> str:
        """'10–19' for whole numbers, '12.5 %–25 %' otherwise (formatted by `fmt`)."""
        if isinstance(self.low, int) and isinstance(self.high, int) and not self.closed:
            last = self.high - 1
            return fmt(self.low) if last == self.low else f"{fmt(self.low)}–{fmt(last)}"
        if self.low == self.high:
            return fmt(self.low)
        return f"{fmt(self.low)}–{fmt(self.high)}"


@dataclass(frozen=True)
class Legend:
    bands: tuple[Band, ...]

    def band_of(self, value) -> Band | None:
        for band in self.bands:
            if band.contains(value):
                return band
        return None

    def colour_of(self, value) -> str:
        band = self.band_of(value)
        return band.colour if band else NO_DATA


def legend_for(values, classes: int = 5) -> Legend:
    """The legend for `values` (numbers or None) in at most `classes` classes (1 to 5)."""
    if not 1 <= classes <= 5:
        raise ValueError("between 1 and 5 classes")
    distinct = sorted({v for v in values if v is not None})
    if not distinct:
        return Legend(())
    integral = all(isinstance(v, int) for v in distinct)
    if len(distinct) <= classes:
        lows = distinct
    else:
        # The k-th class starts at the value k/classes of the way through the distinct values.
        lows = sorted({distinct[(len(distinct) * k) // classes] for k in range(classes)})
    highs = lows[1:] + [distinct[-1]]
    palette = PALETTES[len(lows)]
    bands = []
    for i, (low, high) in enumerate(zip(lows, highs)):
        last = i == len(lows) - 1
        if integral:
            low, high = int(low), int(high)
        bands.append(Band(low, high, closed=last, colour=palette[i]))
    return Legend(tuple(bands))
