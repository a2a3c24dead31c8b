"""Memberships follow the register: a person's village, segment and presence, copied for the billing run."""
from django.db.models.signals import post_save
from django.dispatch import receiver

from lindung.billing.models import Membership
from lindung.registry.models import Person


@receiver(post_save, sender=Person, dispatch_uid="billing.memberships_follow_person")
def memberships_follow_person(sender, instance: Person, raw=False, **kwargs):
    """Every save of a person (registry corrections, intake updates, deletion and restore) goes through here."""
    if raw:
        return
    Membership.objects.filter(person=instance).update(
        village_id=instance.village_id, segment_id=instance.segment_id, in_register=instance.deleted_at is None
    )
