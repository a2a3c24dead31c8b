import pytest
from django.utils import translation

from lindung.registry.models import Segment
from lindung.registry.segments import read_segments, segment_code, synonym_table

REQUIRED = {
    "farmer", "farm_labourer", "fisher", "street_vendor", "driver", "construction", "household_worker",
    "religious_teacher", "mosque_keeper", "rt_rw", "posyandu_cadre", "non_asn", "other",
}


@pytest.mark.django_db
def test_segments_are_loaded_as_reference_data_in_both_languages():
    assert set(Segment.objects.values_list("code", flat=True)) == REQUIRED
    farmer = Segment.objects.get(code="farmer")
    with translation.override("id"):
        assert farmer.label == "Petani"
    with translation.override("en"):
        assert farmer.label == "Farmer"


@pytest.mark.parametrize("written, code", [
    ("Petani", "farmer"), ("PETANI PADI", "farmer"), ("buruh tani", "farm_labourer"), ("Nelayan", "fisher"),
    ("PKL", "street_vendor"), ("pedagang kaki lima", "street_vendor"), ("Ojek", "driver"), ("sopir", "driver"),
    ("Buruh Bangunan", "construction"), ("PRT", "household_worker"), ("Guru Ngaji", "religious_teacher"),
    ("Marbot", "mosque_keeper"), ("DKM", "mosque_keeper"), ("Ketua RT", "rt_rw"), ("ketua  rw", "rt_rw"),
    ("Kader Posyandu", "posyandu_cadre"), ("Honorer", "non_asn"), ("Tenaga non-ASN", "non_asn"),
    ("street_vendor", "street_vendor"), ("Household worker", "household_worker"),
])
def test_a_segment_is_recognised_however_it_is_written(written, code):
    assert segment_code(written, synonym_table(read_segments())) == code


def test_an_unknown_occupation_is_not_guessed():
    assert segment_code("Astronot", synonym_table(read_segments())) is None


def test_no_synonym_points_at_two_segments():
    seen = {}
    for segment in read_segments():
        for word in segment["synonyms"]:
            assert seen.setdefault(word, segment["code"]) == segment["code"], word


def test_every_occupation_of_the_demo_register_names_its_segment():
    from lindung.registry.demo_names import OCCUPATIONS

    table = synonym_table(read_segments())

    def as_intake_reads_it(text):  # whole text, then its first two words, then its first word
        words = text.split()
        return segment_code(text, table) or segment_code(" ".join(words[:2]), table) or segment_code(words[0], table)

    for segment, jobs in OCCUPATIONS.items():
        for job, *_ in jobs:
            assert as_intake_reads_it(job) == segment, job
