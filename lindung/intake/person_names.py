"""Indonesian person names reduced to a key for finding the same person written twice. Pure.

"Hj. Siti Aminah, S.Pd." and "SITI AMINAH" get the same key, and so do "Muhammad Rizki" and
"Moch. Rizky", "Soekarno" and "Sukarno", "Saepudin" and "Syaifudin". The key is for comparing names,
never for showing them.

One list of steps, run either on a plain string (`name_key`) or on a Polars column (`name_key_expr`), so
that both always agree (a property test checks it). Every step is a literal translation, a regular
expression in the common subset of Python's `re` and Polars' (Rust) engine, or a set of literal
replacements; after the second step the text holds only A-Z and spaces, so `\\b` means the same in both.

What it does, in order:
1. letters with accents lose them (é -> e); apostrophes go (Ma'ruf -> Maruf); everything that is not a
   letter becomes a space; upper case;
2. "bin ..." / "binti ..." (the father's name) is cut off: the same person is written with and without it;
3. titles, honorifics and degrees go: H., Hj., Haji, Hajjah, K.H., Ust., Ustadz, Drs., Ir., Dr., Bpk,
   Pak, Ibu, Bu, Mbak, Mas, Ny., Alm., S.Pd., S.E., S.Ag., A.Md., M.Pd. and the like;
4. words with many spellings get one: Muhammad (Muhamad, Mohammad, Mochammad, Moch., Moh., Muh., M.),
   Ahmad (Achmad, Akhmad), Abdul (Abd., Abdoel), Nur (Noer, Nurul, Noor), Siti (Sitti, Sity, St.);
5. the old spelling (before 1972) becomes the new: oe -> u, dj -> j, tj -> c, sj -> sy, and inside a word
   written in the old spelling (one with oe, dj, tj or sj) j -> y (Tjahjono -> Cahyono); a lone j
   elsewhere is left alone, since in today's spelling it is a j (Joko, Jaenudin);
6. spellings of the same sound are folded: ch, kh -> h (Rochman, Rohman); dh -> d; th -> t; sy, sh -> s
   (Syaifudin, Saifudin); dz, z -> j (Zaenudin, Jaenudin; Ustadz); q -> k (Taufiq); f, v -> p (Yusuf,
   Yusup; Fatimah, Patimah); ae -> ai (Zaenal, Zainal);
7. double letters become single (Muhammad, Saepuddin), twice over, so up to four in a row;
8. y at the end of a word -> i (Rizky, Rizki; Yanty, Yanti).
"""
import re
import unicodedata
from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True)
class Translate:
    """Single characters to strings (str.translate; replace_many of one-character patterns)."""

    table: dict[str, str]

    def python(self, text: str) -> str:
        return text.translate(self._ordinals)

    def polars(self, expr: pl.Expr) -> pl.Expr:
        return expr.str.replace_many(list(self.table), list(self.table.values()))

    @property
    def _ordinals(self):
        return str.maketrans(self.table)


@dataclass(frozen=True)
class Regex:
    """Every match of `pattern` becomes the literal `replacement`."""

    pattern: str
    replacement: str

    def python(self, text: str) -> str:
        return re.sub(self.pattern, lambda _: self.replacement, text)

    def polars(self, expr: pl.Expr) -> pl.Expr:
        return expr.str.replace_all(self.pattern, self.replacement.replace("$", "$$"))


@dataclass(frozen=True)
class RegexGroup:
    """Every match of `pattern` becomes `before` + its first group + `after`."""

    pattern: str
    before: str
    after: str

    def python(self, text: str) -> str:
        return re.sub(self.pattern, lambda m: self.before + m.group(1) + self.after, text)

    def polars(self, expr: pl.Expr) -> pl.Expr:
        return expr.str.replace_all(self.pattern, f"{self.before}${{1}}{self.after}")


@dataclass(frozen=True)
class Literals:
    """Literal replacements in one left-to-right pass; where several patterns start at the same place,
    the first listed wins (Polars' replace_many with leftmost=True)."""

    mapping: dict[str, str]

    def python(self, text: str) -> str:
        pattern = "|".join(re.escape(p) for p in self.mapping)
        return re.sub(pattern, lambda m: self.mapping[m.group()], text)

    def polars(self, expr: pl.Expr) -> pl.Expr:
        return expr.str.replace_many(list(self.mapping), list(self.mapping.values()), leftmost=True)


@dataclass(frozen=True)
class Upper:
    """Upper case; applied when only ASCII is left, where Python and Polars agree."""

    def python(self, text: str) -> str:
        return text.upper()

    def polars(self, expr: pl.Expr) -> pl.Expr:
        return expr.str.to_uppercase()


@dataclass(frozen=True)
class Pad:
    """A space added at each end."""

    def python(self, text: str) -> str:
        return " " + text + " "

    def polars(self, expr: pl.Expr) -> pl.Expr:
        # Appended rather than concat_str'ed, which would name the column "literal".
        return expr.str.replace("^", " ") + pl.lit(" ")


@dataclass(frozen=True)
class Strip:
    """Spaces at either end removed."""

    def python(self, text: str) -> str:
        return text.strip(" ")

    def polars(self, expr: pl.Expr) -> pl.Expr:
        return expr.str.strip_chars(" ")


@dataclass(frozen=True)
class Guarded:
    """`steps` that change nothing in a text without a match of `pattern`, run only where it matches: in
    Polars the other rows are null while the steps run, which costs nothing."""

    pattern: str
    steps: tuple

    def python(self, text: str) -> str:
        if re.search(self.pattern, text):
            for step in self.steps:
                text = step.python(text)
        return text

    def polars(self, expr: pl.Expr) -> pl.Expr:
        some = pl.when(expr.str.contains(self.pattern)).then(expr)
        for step in self.steps:
            some = step.polars(some)
        return pl.coalesce(some, expr)


def _unaccented(ch: str) -> str:
    base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    return base if base.isascii() else ch


# Latin letters with diacritics (the Latin-1 Supplement and Latin Extended-A and -B blocks) to their base
# letters, from a fixed table rather than a Unicode normalisation at run time: Python and Polars ship
# different Unicode versions.
_ACCENTS = {ch: _unaccented(ch) for ch in map(chr, range(0xC0, 0x250)) if _unaccented(ch) != ch}
_ACCENTS.update({"ß": "ss", "Æ": "AE", "æ": "ae", "Ø": "O", "ø": "o", "Đ": "D", "đ": "d", "Ł": "L", "ł": "l",
                 "ı": "i", "Œ": "OE", "œ": "oe"})
_APOSTROPHES = {ch: "" for ch in "'`\u2018\u2019\u02bc\u02b9\u00b4"}

# Titles, honorifics and degrees, as words once punctuation is gone ("S.Pd." is "S PD", "SPd" is "SPD").
# "ST" is not among them: it is the usual short form of Siti.
_TITLES = (
    "HAJI HAJJAH HAJAH HJH HJ H KH K H KYAI KIAI UST USTADZ USTADZAH USTAD USTADAH USTAZ USTAZAH "
    "PROF DR DRS DRA DRG IR BAPAK BPK PAK IBU BU MBAK MAS NYONYA NY SAUDARA SAUDARI SDR SDRI TUAN TN "
    "ALMARHUM ALMARHUMAH ALM ALMH"
).split()
_DEGREES = (
    "S PD I|S PDI|S PD|S AG|S E|S H I|S HI|S H|S KOM|S T|S SOS|S IP|S KM|S KEP|S FARM|S KED|S PSI|S SI|"
    "S STP|S TR|S AK|S KEB|S P|A MD KEB|A MD KEP|A MD|A MA|M PD|M SI|M M|M AG|M KOM|M H|M T|M KES|M SC|"
    "M HUM|M AK|SPDI|SPD|SAG|SE|SH|SHI|SKOM|SSOS|SIP|SKM|SKEP|SFARM|SKED|SPSI|SSI|SSTP|STR|AMDKEB|AMKEB|"
    "AMKEP|AMD|MPD|MSI|MM|MAG|MKOM|MH|MKES|MSC|MHUM|BSC|MBA|LC"
).split("|")
_WORD_FORMS = {
    "MUHAMAD": (
        "MUHAMMAD MUHAMAD MUHAMMED MUHAMED MUHAMAT MUHAMMAT MOHAMMAD MOHAMAD MOHAMMED MOHAMED MOCHAMMAD "
        "MOCHAMAD MOCHAMAT MOCHAMMAT MOKHAMMAD MOKHAMAD MUCHAMMAD MUCHAMAD MUKHAMMAD MUKHAMAD MOEHAMMAD "
        "MOEHAMAD MUHAM MOHAM MOCHD MOCH MOHD MOH MUHD MUH MUCH MHD MHMD MCH MD M"
    ),
    "AHMAD": "AHMAD ACHMAD AKHMAD AHMED ACHMED AHMAT ACHMAT",
    "ABDUL": "ABDUL ABDOEL ABDOL ABDL ABD",
    "NUR": "NURUL NOERUL NUR NOER NOOR NUUR",
    "SITI": "SITI SITTI SITY SITHI SITIE STI ST",
}


def _padded(words: str) -> str:
    """A word or words as they stand in padded text: 'S PD' -> ' S  PD '."""
    return " " + words.replace(" ", "  ") + " "


_OLD_SPELLING = r"OE|DJ|TJ|SJ"
_DOUBLES = {c + c: c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
# Degrees first: where " M  PD " (M.Pd.) and " M " (Muhammad) start at the same place, the degree wins.
_WORD_REPLACEMENTS = {
    **{_padded(words): " " for words in _DEGREES + _TITLES},
    **{_padded(form): _padded(word) for word, forms in _WORD_FORMS.items() for form in forms.split()},
}

STEPS = (
    Translate({**_ACCENTS, **_APOSTROPHES}),
    # Each word gets spaces of its own on both sides (two between words, one added at each end), so
    # that whole words are replaced in one pass of literal replacements, even next to each other ("H  HJ").
    Regex(r"[^A-Za-z]+", "  "),
    Upper(),
    Regex(r" (?:BIN|BINTI)\b.*$", ""),
    Pad(),
    Literals(_WORD_REPLACEMENTS),
    Guarded(_OLD_SPELLING, (
        # Old spelling: mark its words with #, turn dj into a placeholder % (it is a modern j), then a j
        # left in a marked word is a y.
        RegexGroup(rf"\b([A-Z]*(?:{_OLD_SPELLING})[A-Z]*)", "#", ""),
        Literals({"DJ": "%", "TJ": "C", "SJ": "SY"}),
        *(RegexGroup(r"#([A-Z%]*)J", "#", "Y") for _ in range(3)),
        Literals({"%": "J", "#": ""}),
    )),
    Literals({
        "OE": "U", "CH": "H", "KH": "H", "DH": "D", "TH": "T", "SY": "S", "SH": "S", "DZ": "J", "Z": "J",
        "Q": "K", "F": "P", "V": "P", "AE": "AI", "Y ": "I ",
    }),
    Literals(_DOUBLES),
    Literals(_DOUBLES),
    Regex(r" {2,}", " "),
    Strip(),
)


def name_key(name: str | None) -> str | None:
    """'Hj. Siti Aminah, S.Pd.' -> 'SITI AMINAH'; None stays None; a name of titles only gives ''."""
    if name is None:
        return None
    for step in STEPS:
        name = step.python(name)
    return name


def name_key_expr(expr: pl.Expr) -> pl.Expr:
    """name_key() over a column of text."""
    for step in STEPS:
        expr = step.polars(expr)
    return expr


def sorted_words(key: pl.Expr) -> pl.Expr:
    """'SITI NUR AMINAH' -> 'AMINAH NUR SITI': word order does not matter when comparing names."""
    return key.str.split(" ").list.sort().list.join(" ")
