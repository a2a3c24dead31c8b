import pytest

pytestmark = pytest.mark.django_db


def test_the_openapi_document_describes_the_people_endpoints(client, make_user):
    client.force_login(make_user("petugas", "officer"))
    schema = client.get("/api/openapi.json").json()
    assert {"/api/people", "/api/people/{person_id}"} <= set(schema["paths"])
    assert client.get("/api/docs").status_code == 200


def test_the_docs_need_a_login(client):
    assert client.get("/api/docs").status_code == 302


def test_search_through_the_api(client, make_user, two_villages):
    client.force_login(make_user("petugas", "officer"))
    found = client.get("/api/people", {"q": "3216084506900003"}).json()
    assert found["count"] == 1
    siti = found["items"][0]
    assert siti["nik"] == "3216********0003"
    assert siti["district"] == {"code": "32.16.08", "name": "Cikarang Barat"}
    assert siti["village"] == {"code": "32.16.08.1008", "name": "Telaga Asih"}
    assert client.get("/api/people", {"segment": "fisher"}).json()["count"] == 0
