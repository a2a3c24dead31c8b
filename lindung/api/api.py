"""The REST API (OpenAPI at /api/docs). Same rights and the same area scope as the screens."""
from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError
from ninja.security import django_auth

from lindung.accounts import audit
from lindung.registry.models import Person
from lindung.registry.services import search_people
from lindung.registry.views import person_in_scope

api = NinjaAPI(title="lindung", version="1", auth=django_auth, urls_namespace="api", docs_decorator=login_required)


class Area(Schema):
    code: str
    name: str


class PersonOut(Schema):
    id: int
    nik: str
    full_name: str
    birth_date: date
    sex: str
    village: Area
    district: Area
    segment: str

    @staticmethod
    def resolve_nik(person):
        return person.masked_nik

    @staticmethod
    def resolve_village(person):
        return {"code": person.village.code, "name": person.village.name}

    @staticmethod
    def resolve_district(person):
        return {"code": person.village.parent.code, "name": person.village.parent.name}

    @staticmethod
    def resolve_segment(person):
        return person.segment_id


class PeoplePage(Schema):
    count: int
    page: int
    pages: int
    items: list[PersonOut]


def require(request, permission: str):
    if not request.user.has_perm(permission):
        audit.refusal(request, "not allowed for the user's role")
        raise HttpError(403, "Anda tidak berhak / you are not allowed")


@api.get("/people", response=PeoplePage, summary="Search the registry (NIK masked)")
def list_people(request, q: str = "", village: str = "", segment: str = "", page: int = 1):
    require(request, "registry.view_person")
    people = search_people(
        Person.objects.active().in_scope_of(request.user).select_related("village", "village__parent"),
        text=q, village=village, segment=segment,
    )
    current = Paginator(people, 50).get_page(page)
    return {"count": current.paginator.count, "page": current.number, "pages": current.paginator.num_pages,
            "items": list(current)}


@api.get("/people/{person_id}", response=PersonOut, summary="One person (NIK masked)")
def get_person(request, person_id: int):
    require(request, "registry.view_person")
    try:
        return person_in_scope(request, person_id)
    except Http404:
        raise HttpError(404, "Tidak ditemukan di wilayah Anda / not found in your area") from None
