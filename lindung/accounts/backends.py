from django.contrib.auth.backends import ModelBackend


class LockoutBackend(ModelBackend):
    """Django's own backend, except that a locked account cannot log in even with the right password."""

    def user_can_authenticate(self, user):
        return super().user_can_authenticate(user) and not user.is_locked()
