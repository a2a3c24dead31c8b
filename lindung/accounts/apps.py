from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "lindung.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from lindung.accounts import checks, signals  # noqa: F401  (registers the key check, connects login receivers)
