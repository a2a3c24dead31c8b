from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "lindung.billing"
    verbose_name = _("Contributions and billing")

    def ready(self):
        from lindung.billing import signals  # noqa: F401
