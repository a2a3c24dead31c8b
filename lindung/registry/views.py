from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindung.accounts import audit
from lindung.accounts.models import AuditEvent
from lindung.regions.services import districts_of, villages_of
from lindung.registry.forms import PersonForm
from lindung.registry.models import Person, Segment
from lindung.registry.services import search_people, update_person

PAGE_SIZE = 25


def areas(user) -> list[tuple]:
    """The districts and villages `user` may filter by, each district with its villages."""
    villages = villages_of()
    if not user.has_perm("registry.view_all_areas"):
        villages = villages.filter(code__in=user.villages.values("code"))
    villages = list(villages)
    districts = {v.parent_id for v in villages}
    return [(d, [v for v in villages if v.parent_id == d.code]) for d in districts_of() if d.code in districts]


def person_in_scope(request, pk) -> Person:
    """The person if `request.user` may see them; otherwise 404, and the attempt goes into the audit log."""
    person = Person.objects.in_scope_of(request.user).select_related("village", "village__parent", "segment", "intake_batch").filter(pk=pk).first()
    if person is not None:
        return person
    outside = Person.objects.filter(pk=pk).first()
    if outside is not None:
        audit.refusal(request, "outside the user's villages", target=outside)
    raise Http404(_("No such person in your area."))


@permission_required("registry.view_person", raise_exception=True)
def person_list(request):
    text = request.GET.get("q", "").strip()
    village = request.GET.get("village", "").strip()
    segment = request.GET.get("segment", "").strip()
    people = search_people(
        Person.objects.active().in_scope_of(request.user).select_related("village", "village__parent", "segment"),
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
        "areas": areas(request.user),
        "segments": Segment.objects.all(),
    })


@permission_required("registry.view_person", raise_exception=True)
def person_detail(request, pk):
    person = person_in_scope(request, pk)
    return render(request, "registry/person_detail.html", detail_context(request, person, unmasked=False))


@require_POST
@permission_required("registry.view_unmasked_personal_data", raise_exception=True)
def person_reveal(request, pk):
    """Show NIK, KK and phone in full, once, and record who looked."""
    person = person_in_scope(request, pk)
    audit.record(AuditEvent.Action.VIEW_PERSONAL_DATA, target=person, summary=f"NIK, KK, phone of {person.full_name}")
    return render(request, "registry/person_detail.html", detail_context(request, person, unmasked=True))


def detail_context(request, person, *, unmasked: bool) -> dict:
    context = {"person": person, "changes": person.changes.select_related("user"), "unmasked": unmasked}
    if person.intake_batch_id and request.user.has_perm("registry.add_person"):
        from lindung.intake.views import batches_of

        context["intake_batch_shown"] = batches_of(request.user).filter(pk=person.intake_batch_id).exists()
    if request.user.has_perm("accounts.view_auditevent") or request.user.has_perm("registry.view_unmasked_personal_data"):
        context["lookers"] = audit_of(person).filter(action=AuditEvent.Action.VIEW_PERSONAL_DATA)[:20]
    if request.user.has_perm("billing.view_membership"):
        from lindung.billing.views import protection_context

        context["protection"] = protection_context(person)
    if request.user.has_perm("enrolment.target_people"):
        from lindung.enrolment.views import end_membership_form

        context["end_form"] = end_membership_form(person)
    return context


def audit_of(person):
    return AuditEvent.objects.filter(target_type=person._meta.label_lower, target_id=str(person.pk))


@permission_required(["registry.change_person", "registry.view_unmasked_personal_data"], raise_exception=True)
def person_edit(request, pk):
    """Correct a record. The form holds NIK, KK and phone in full, so showing it is audited as a view."""
    person = person_in_scope(request, pk)
    form = PersonForm(request.POST or None, instance=Person.objects.get(pk=person.pk), user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            changed = update_person(person, source=_("correction on screen"), user=request.user, **fields)
        except ValueError:
            form.add_error("nik", _("Another active person already has this NIK."))
        else:
            messages.success(request, _("Saved.") if changed else _("Nothing was changed."))
            return redirect("registry:person-detail", pk=person.pk)
    audit.record(AuditEvent.Action.VIEW_PERSONAL_DATA, target=person, summary=f"correction form of {person.full_name}")
    return render(request, "registry/person_edit.html", {"person": person, "form": form})


@permission_required("registry.view_overview", raise_exception=True)
def overview(request):
    """Aggregates only: how many people by district, segment and sex, within the user's scope."""
    people = Person.objects.active().in_scope_of(request.user)
    by_district = dict(people.values_list("village__parent_id").annotate(n=Count("id")).order_by())
    by_segment = dict(people.values_list("segment_id").annotate(n=Count("id")).order_by())
    by_sex = dict(people.values_list("sex").annotate(n=Count("id")).order_by())
    return render(request, "registry/overview.html", {
        "total": sum(by_district.values()),
        "districts": [(d, by_district.get(d.code, 0)) for d in districts_of()],
        "segments": [(s, by_segment.get(s.code, 0)) for s in Segment.objects.all()],
        "by_sex": by_sex,
    })
