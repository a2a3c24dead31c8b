from datetime import date

import pytest

from lindung.registry.services import create_person


@pytest.fixture
def make_person(db):
    def make(**overrides):
        fields = {
            "nik": "3216040506900001",
            "full_name": "Asep Saepudin",
            "birth_place": "Bekasi",
            "birth_date": date(1990, 6, 5),
            "sex": "L",
            "village_id": "32.16.04.2001",
            "address": "Kp. Pulo RT 003/RW 002",
            "phone": "081234567890",
            "segment_id": "farmer",
            "occupation": "Petani padi",
            "income": 1_500_000,
            "welfare_decile": 2,
            "kk": "3216040101100007",
        }
        fields.update(overrides)
        return create_person(source=fields.pop("source", "test"), **fields)

    return make
