from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "lindung.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from lindung.accounts import signals  # noqa: F401  (connects the login and logout receivers)
