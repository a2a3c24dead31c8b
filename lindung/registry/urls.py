from django.urls import path

from lindung.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.person_list, name="person-list"),
    path("overview/", views.overview, name="overview"),
    path("<int:pk>/", views.person_detail, name="person-detail"),
    path("<int:pk>/reveal/", views.person_reveal, name="person-reveal"),
    path("<int:pk>/edit/", views.person_edit, name="person-edit"),
]
