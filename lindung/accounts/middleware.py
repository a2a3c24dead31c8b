from django.conf import settings
from django.contrib.auth import middleware
from django.utils import translation

LANGUAGE_COOKIE = settings.LANGUAGE_COOKIE_NAME


def chosen_language(request) -> str:
    """The user's saved choice, else the browser's cookie, else Indonesian — never Accept-Language."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.language:
        return user.language
    cookie = request.COOKIES.get(LANGUAGE_COOKIE)
    if cookie in dict(settings.LANGUAGES):
        return cookie
    return settings.LANGUAGE_CODE


class UserLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        translation.activate(chosen_language(request))
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


class ContentSecurityPolicyMiddleware:
    """Scripts and styles only from lindung itself: no inline script, no CDN."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


class LoginRequiredMiddleware(middleware.LoginRequiredMiddleware):
    """Every screen needs a login; the API answers 401 itself instead of redirecting to the login page."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class PrivatePagesMiddleware:
    """What a signed-in user is shown is kept by no browser cache: a village office's shared computer would
    otherwise keep full NIKs (a reveal, the correction form) for the next person at the keyboard."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response.headers.setdefault("Cache-Control", "no-store, private")
        return response
