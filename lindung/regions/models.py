from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    PROVINCE = 1, _("province")
    REGENCY = 2, _("regency/city")
    DISTRICT = 3, _("district (kecamatan)")
    VILLAGE = 4, _("village (desa/kelurahan)")


class Kind(models.TextChoices):
    PROVINSI = "provinsi", _("province")
    KABUPATEN = "kabupaten", _("regency")
    KOTA = "kota", _("city")
    KECAMATAN = "kecamatan", _("district")
    DESA = "desa", _("desa")
    KELURAHAN = "kelurahan", _("kelurahan")


class Region(models.Model):
    """One row of the Kemendagri region code table. `code` is dotted as Kemendagri writes it."""

    code = models.CharField(_("code"), max_length=13, primary_key=True)
    name = models.CharField(_("name"), max_length=120)
    name_key = models.CharField(max_length=120, editable=False)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", db_index=False
    )

    class Meta:
        ordering = ["code"]
        indexes = [models.Index(fields=["parent", "name_key"], name="region_parent_name_idx")]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def district_code(self) -> str:
        return self.code[:8]


class RegionTable(models.Model):
    """Which version of the shipped table is loaded, so loading again is a no-op."""

    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField()
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        get_latest_by = "loaded_at"
