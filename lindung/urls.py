from django.urls import include, path

from lindung.api.api import api

urlpatterns = [
    path("", include("lindung.accounts.urls")),
    path("registry/", include("lindung.registry.urls")),
    path("intake/", include("lindung.intake.urls")),
    path("enrolment/", include("lindung.enrolment.urls")),
    path("billing/", include("lindung.billing.urls")),
    path("claims/", include("lindung.claims.urls")),
    path("coverage/", include("lindung.coverage.urls")),
    path("reports/", include("lindung.reports.urls")),
    path("api/", api.urls),
]

handler403 = "lindung.accounts.views.permission_denied"
