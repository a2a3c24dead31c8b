import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

import lindung

pytestmark = pytest.mark.django_db


def test_security_headers_on_every_page(client):
    response = client.get(reverse("login"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" not in response  # plain HTTP: no HSTS


def test_what_a_signed_in_user_sees_is_not_kept_by_the_browser(client, make_user, two_villages):
    asep, _ = two_villages
    client.force_login(make_user("petugas", "officer"))
    for response in (client.post(reverse("registry:person-reveal", args=[asep.pk])),
                     client.get(reverse("registry:person-edit", args=[asep.pk])),
                     client.get("/api/people")):
        assert response.status_code == 200 and response["Cache-Control"] == "no-store, private"


def test_pages_name_their_icon_and_it_is_served(client):
    page = client.get(reverse("login")).content.decode()
    icon = re.search(r'<link rel="icon" href="([^"]+)"', page).group(1)
    assert icon.startswith("/static/")
    assert Client().get(icon).status_code == 200   # not a 404 for /favicon.ico on every page


def test_hsts_behind_a_tls_proxy(client, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    response = client.get(reverse("login"), HTTP_X_FORWARDED_PROTO="https")
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_forms_need_the_csrf_token(make_user, two_villages):
    asep, _ = two_villages
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("petugas", "officer"))
    assert client.post(reverse("registry:person-reveal", args=[asep.pk])).status_code == 403
    assert client.post(reverse("login"), {"username": "x", "password": "y"}).status_code == 403


def test_no_template_has_inline_script_or_style():
    templates = [p for p in Path(lindung.__file__).parent.rglob("*.html")]
    assert templates
    for path in templates:
        text = path.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), path
        assert not re.search(r"\sstyle=", text), path
        assert not re.search(r"\son[a-z]+=", text), path
        assert "http://" not in text and "cdn" not in text.lower(), path
