from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.generic import RedirectView

from lindung.accounts import views

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="registry:person-list"), name="home"),
    path("login/", auth_views.LoginView.as_view(template_name="accounts/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("language/", views.switch_language, name="switch-language"),
]
