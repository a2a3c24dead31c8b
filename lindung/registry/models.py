from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from lindung.personal_data import EncryptedTextField, mask_nik, mask_phone
from lindung.regions.models import Region


class Sex(models.TextChoices):
    MALE = "L", _("male")
    FEMALE = "P", _("female")


class Segment(models.Model):
    code = models.CharField(_("code"), max_length=32, primary_key=True)
    label_id = models.CharField(_("label (Indonesian)"), max_length=100)
    label_en = models.CharField(_("label (English)"), max_length=100)
    synonyms = models.JSONField(_("synonyms"), default=list)
    sort = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort", "code"]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return self.label_en if get_language() == "en" else self.label_id


class PersonQuerySet(models.QuerySet):
    def active(self):
        return self.filter(deleted_at__isnull=True)

    def in_scope_of(self, user):
        """The people `user` may see: the whole regency, or only the villages a village operator serves.

        Every list, search, export, API call and count goes through here.
        """
        if user.has_perm("registry.view_all_areas"):
            return self
        if not user.is_authenticated:
            return self.none()
        return self.filter(village__in=user.villages.values("code"))


class Person(models.Model):
    """One record per person. NIK, KK and phone are encrypted; nik_index/kk_index find them."""

    nik = EncryptedTextField(_("NIK"), purpose="nik")
    nik_index = models.CharField(max_length=64, editable=False)
    kk = EncryptedTextField(_("family card number (KK)"), purpose="kk", null=True, blank=True)
    kk_index = models.CharField(max_length=64, null=True, blank=True, editable=False)
    full_name = models.CharField(_("full name"), max_length=200)
    birth_place = models.CharField(_("birth place"), max_length=100, blank=True)
    birth_date = models.DateField(_("birth date"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    village = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="residents",
        verbose_name=_("village of residence"),
        db_index=False,  # covered by person_village_segment_idx; avoids PostgreSQL's hidden _like index
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = EncryptedTextField(_("phone"), purpose="phone", null=True, blank=True)
    segment = models.ForeignKey(Segment, on_delete=models.PROTECT, verbose_name=_("segment"), db_index=False)
    occupation = models.CharField(_("occupation"), max_length=100, blank=True)
    income = models.BigIntegerField(_("declared monthly income (Rp)"), null=True, blank=True)
    welfare_decile = models.PositiveSmallIntegerField(_("welfare decile"), null=True, blank=True)
    died_on = models.DateField(_("date of death"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=200)
    # The intake file and spreadsheet row that registered this person (none for people entered otherwise). An
    # import writes no outcome row for the rows that registered someone: this is their outcome.
    intake_batch = models.ForeignKey(
        "intake.ImportBatch", null=True, blank=True, on_delete=models.PROTECT, related_name="registered",
        verbose_name=_("registered by import"), editable=False,
        db_index=False,  # read only to annotate a batch's file, a rare download; an index would cost every import
    )
    intake_row = models.PositiveIntegerField(_("row of the import"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now, editable=False)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True, editable=False)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        permissions = [
            ("view_unmasked_personal_data", _("Can view unmasked NIK, KK and phone")),
            ("view_all_areas", _("Can see people of every village of the regency")),
            ("view_overview", _("Can view aggregate figures")),
        ]
        ordering = ["full_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["nik_index"], condition=Q(deleted_at__isnull=True), name="person_nik_unique_active"
            ),
            models.CheckConstraint(
                condition=Q(welfare_decile__isnull=True) | Q(welfare_decile__gte=1, welfare_decile__lte=10),
                name="person_welfare_decile_1_10",
            ),
            models.CheckConstraint(condition=Q(income__isnull=True) | Q(income__gte=0), name="person_income_not_negative"),
            models.CheckConstraint(condition=Q(sex__in=["L", "P"]), name="person_sex_l_p"),
        ]
        # Each index costs every bulk insert; keep only those a query uses (source has none: its only filter is
        # startswith, a LIKE no B-tree index answers here).
        indexes = [
            models.Index(fields=["kk_index"], name="person_kk_index_idx"),
            models.Index(fields=["village", "segment"], name="person_village_segment_idx"),
            models.Index(fields=["segment"], name="person_segment_idx"),
            models.Index(fields=["full_name"], name="person_full_name_idx"),
            models.Index(fields=["birth_date", "village"], name="person_birth_village_idx"),
        ]

    def __str__(self):
        return self.full_name

    @property
    def masked_nik(self) -> str:
        return mask_nik(self.nik)

    @property
    def masked_kk(self) -> str:
        return mask_nik(self.kk)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class PersonChange(models.Model):
    """One change to a person: who, when, from where, and each field's value before and after."""

    class Action(models.TextChoices):
        UPDATED = "updated", _("updated")
        DELETED = "deleted", _("deleted")
        RESTORED = "restored", _("restored")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="changes")
    at = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    action = models.CharField(max_length=10, choices=Action.choices)
    source = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(default=dict)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["person", "at"], name="personchange_person_at_idx")]

    @property
    def named_changes(self) -> list[tuple[str, object, object]]:
        """(the field's name as the page says it, before, after) for each changed field."""
        names = {f.name: f.verbose_name for f in Person._meta.fields}
        names |= {f.attname: f.verbose_name for f in Person._meta.fields}
        return [(str(names.get(field, field)), before, after) for field, (before, after) in self.changes.items()]
