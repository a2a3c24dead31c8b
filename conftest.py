import pytest

from lindung.regions.services import load_regions

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
