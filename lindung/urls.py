from django.urls import include, path

urlpatterns = [
    path("", include("lindung.accounts.urls")),
    path("registry/", include("lindung.registry.urls")),
]
