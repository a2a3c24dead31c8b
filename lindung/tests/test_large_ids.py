"""Ids and page numbers in links and forms are written as plain digits, whatever the reader's language.

Indonesian groups thousands with a dot: a person numbered 1,234,567 must not be linked as `?person=1.234.567`
(the demo register alone has 75,903 people, and its list 1,519 pages)."""
import re
from datetime import date

import pytest
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from lindung.claims.models import Incident
from lindung.claims.tests.test_views import death_form
from lindung.registry.services import create_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def numbered(db):
    return create_person(source="test", id=1_234_567, nik="3216040506900001", full_name="Asep Saepudin",
                         birth_date=date(1990, 6, 5), sex="L", village_id="32.16.04.2001", segment_id="farmer",
                         birth_place="Bekasi", income=1_500_000)


def test_a_person_with_a_large_id_is_linked_found_and_reported(client, login, numbered):
    login("officer")
    page = client.get(reverse("registry:person-detail", args=[numbered.pk])).content.decode()
    assert f'href="{reverse("claims:report")}?person=1234567"' in page
    found = client.get(reverse("claims:report"), {"q": "asep"}).content.decode()
    assert f'href="{reverse("claims:report")}?person=1234567"' in found
    form = client.get(reverse("claims:report"), {"person": numbered.pk}).content.decode()
    hidden = re.search(r'<input type="hidden" name="person" value="([^"]*)"', form).group(1)
    assert hidden == "1234567"
    response = client.post(reverse("claims:report"), {**death_form(numbered), "person": hidden})
    assert response.status_code == 302
    assert Incident.objects.get().person_id == 1_234_567


def test_page_numbers_past_a_thousand_link_to_their_pages():
    page = Paginator(range(60_000), 50).page(1_001)
    with translation.override("id"):
        html = render_to_string("includes/pages.html", {"page": page, "query": "q=asep"})
    assert 'href="?q=asep&amp;page=1000"' in html and 'href="?q=asep&amp;page=1002"' in html
    assert "Halaman 1.001 dari 1.200" in html  # the text a reader sees keeps its thousands separator
