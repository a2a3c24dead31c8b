from django.urls import path

from lindung.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.person_list, name="person-list"),
    path("<int:pk>/", views.person_detail, name="person-detail"),
]
