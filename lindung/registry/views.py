from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from lindung.regions.services import districts_of, villages_of
from lindung.registry.models import Person, Segment
from lindung.registry.services import search_people

PAGE_SIZE = 25


def areas() -> list[tuple]:
    """The regency's districts, each with its villages, for a grouped filter."""
    villages = list(villages_of())
    return [(d, [v for v in villages if v.parent_id == d.code]) for d in districts_of()]


def person_list(request):
    text = request.GET.get("q", "").strip()
    village = request.GET.get("village", "").strip()
    segment = request.GET.get("segment", "").strip()
    people = search_people(
        Person.objects.active().select_related("village", "village__parent", "segment"),
        text=text, village=village, segment=segment,
    )
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "registry/person_list.html", {
        "page": page,
        "q": text,
        "village": village,
        "segment": segment,
        "query": query.urlencode(),
        "areas": areas(),
        "segments": Segment.objects.all(),
    })


def person_detail(request, pk):
    person = get_object_or_404(Person.objects.select_related("village", "village__parent", "segment"), pk=pk)
    changes = person.changes.select_related("user")
    return render(request, "registry/person_detail.html", {"person": person, "changes": changes})
