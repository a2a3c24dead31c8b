from datetime import date

import pytest

from lindung.registry.services import create_person


@pytest.fixture
def two_villages(db):
    """Asep lives in Sukawijaya (Tambelang), Siti in Telaga Asih (Cikarang Barat)."""
    common = dict(birth_place="Bekasi", address="Kp. Pulo RT 003/RW 002", segment_id="farmer", income=1_500_000)
    asep = create_person(source="test", nik="3216040506900001", kk="3216040101100007", phone="081234567890",
                         full_name="Asep Saepudin", birth_date=date(1990, 6, 5), sex="L",
                         village_id="32.16.04.2001", **common)
    siti = create_person(source="test", nik="3216084506900003", kk=None, phone="085711112222",
                         full_name="Siti Aminah", birth_date=date(1990, 6, 5), sex="P",
                         village_id="32.16.08.1008", **common)
    return asep, siti
