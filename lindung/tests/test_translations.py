from pathlib import Path

import polib

import lindung

LOCALE = Path(lindung.__file__).parent / "locale"


def test_every_message_has_an_indonesian_translation():
    po = polib.pofile(LOCALE / "id" / "LC_MESSAGES" / "django.po")
    assert po.percent_translated() == 100
    assert not [e.msgid for e in po if "fuzzy" in e.flags]


def test_the_compiled_catalogue_matches_its_source():
    po = polib.pofile(LOCALE / "id" / "LC_MESSAGES" / "django.po")
    mo = polib.mofile(LOCALE / "id" / "LC_MESSAGES" / "django.mo")
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items()))) for e in mo}
    source = {(e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items()))) for e in po if not e.obsolete}
    assert compiled == source, "run: lindung compilemessages -l id"
