import pytest
from django.urls import reverse

from lindung.registry.services import update_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(client, make_user):
    user = make_user("petugas", "officer")
    client.force_login(user)
    return user


def test_the_registry_needs_a_login(client):
    response = client.get(reverse("registry:person-list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_is_indonesian_by_default_and_logs_in(client, django_user_model):
    django_user_model.objects.create_user("petugas", password="rahasia-sekali-123")
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en")
    assert 'lang="id"' in page.content.decode() and "Masuk" in page.content.decode()
    response = client.post(reverse("login"), {"username": "petugas", "password": "salah"})
    assert response.status_code == 200 and "kata sandi salah" in response.content.decode()
    response = client.post(reverse("login"), {"username": "petugas", "password": "rahasia-sekali-123"})
    assert response.status_code == 302


def test_the_list_shows_people_with_masked_nik(client, officer, make_person):
    make_person()
    page = client.get(reverse("registry:person-list")).content.decode()
    assert "Asep Saepudin" in page
    assert "3216********0001" in page
    assert "3216040506900001" not in page


def test_search_by_exact_nik_name_village_and_segment(client, officer, make_person):
    make_person()
    make_person(nik="3216084506900003", full_name="Siti Aminah", sex="P", village_id="32.16.08.1008",
                segment_id="street_vendor", kk=None)
    url = reverse("registry:person-list")

    def names(**query):
        page = client.get(url, query).content.decode()
        return {n for n in ("Asep Saepudin", "Siti Aminah") if n in page}

    assert names(q="3216084506900003") == {"Siti Aminah"}
    assert names(q="3216084506900004") == set()
    assert names(q="saepudin") == {"Asep Saepudin"}
    assert names(village="32.16.08") == {"Siti Aminah"}
    assert names(village="32.16.04.2001") == {"Asep Saepudin"}
    assert names(segment="street_vendor") == {"Siti Aminah"}


def test_the_list_is_paginated(client, officer, make_person):
    for serial in range(1, 28):
        make_person(nik=f"32160405069{serial:05d}", full_name=f"Orang {serial:02d}", kk=None)
    first = client.get(reverse("registry:person-list")).content.decode()
    assert "Orang 25" in first and "Orang 26" not in first and "Halaman 1 dari 2" in first
    second = client.get(reverse("registry:person-list"), {"page": 2}).content.decode()
    assert "Orang 26" in second and "Orang 27" in second


def test_a_persons_page_shows_details_and_history(client, officer, make_person):
    person = make_person()
    update_person(person, source="koreksi desa", user=officer, full_name="Asep Saepudin Jaelani")
    page = client.get(reverse("registry:person-detail", args=[person.pk])).content.decode()
    assert "Asep Saepudin Jaelani" in page
    assert "Asep Saepudin → Asep Saepudin Jaelani" in page
    assert "petugas" in page
    assert "Sukawijaya" in page and "Tambelang" in page
    assert "3216********0001" in page and "3216040506900001" not in page
    assert "0812*****890" in page and "081234567890" not in page
    assert "Rp 1.500.000" in page


def test_the_language_switch_is_remembered_for_the_user(client, officer):
    response = client.post(reverse("switch-language"), {"language": "en", "next": "/registry/"})
    assert response.status_code == 302 and response["Location"] == "/registry/"
    officer.refresh_from_db()
    assert officer.language == "en"
    client.cookies.clear()
    client.force_login(officer)
    page = client.get(reverse("registry:person-list")).content.decode()
    assert 'lang="en"' in page and "Registry of workers" in page


def test_the_language_switch_refuses_to_redirect_elsewhere(client):
    response = client.post(reverse("switch-language"), {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"
