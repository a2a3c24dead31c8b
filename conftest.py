import pytest

from lindung.regions.services import load_regions


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database starts with the shipped Kemendagri table, as every deployment does."""
    with django_db_blocker.unblock():
        load_regions()
