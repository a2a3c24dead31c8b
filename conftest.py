from datetime import date

import pytest
from hypothesis import settings

from lindung.regions.services import load_regions

# Shared 2-core machines run other work: a slow example is not a failure (speed is measured in bench/).
settings.register_profile("lindung", deadline=None)
settings.load_profile("lindung")

PASSWORD = "rahasia-sekali-123"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database starts with the shipped Kemendagri table, as every deployment does."""
    with django_db_blocker.unblock():
        load_regions()


@pytest.fixture
def make_user(db):
    """make_user("siti", "village_operator", villages=["32.16.04.2001"]): a user in a role, password PASSWORD."""
    from lindung.accounts.services import create_user

    def make(username, role="officer", villages=()):
        user, _ = create_user(username, role=role, villages=villages, password=PASSWORD)
        return user

    return make


@pytest.fixture
def login(client, make_user):
    """login("officer"): a user in that role (a village operator serves Sukawijaya), logged in on `client`."""
    def as_role(role, villages=()):
        villages = villages or (["32.16.04.2001"] if role == "village_operator" else [])
        user = make_user(f"user_{role}", role, villages=villages)
        client.force_login(user)
        return user
    return as_role


@pytest.fixture
def two_villages(db):
    """Two people in two villages: Asep lives in Sukawijaya (Tambelang), Siti in Telaga Asih (Cikarang Barat)."""
    from lindung.registry.services import create_person

    common = dict(birth_place="Bekasi", address="Kp. Pulo RT 003/RW 002", segment_id="farmer", income=1_500_000)
    asep = create_person(source="test", nik="3216040506900001", kk="3216040101100007", phone="081234567890",
                         full_name="Asep Saepudin", birth_date=date(1990, 6, 5), sex="L",
                         village_id="32.16.04.2001", **common)
    siti = create_person(source="test", nik="3216084506900003", kk=None, phone="085711112222",
                         full_name="Siti Aminah", birth_date=date(1990, 6, 5), sex="P",
                         village_id="32.16.08.1008", **common)
    return asep, siti
