from django.urls import path

from lindung.enrolment import views

app_name = "enrolment"
urlpatterns = [
    path("", views.batch_list, name="index"),
    path("target/", views.target, name="target"),
    path("batch/<int:pk>/", views.batch_detail, name="batch"),
    path("batch/<int:pk>/export/", views.batch_export, name="batch_export"),
    path("batch/<int:pk>/export/<int:job>/", views.batch_export_file, name="batch_export_file"),
    path("batch/<int:pk>/response/", views.batch_response, name="batch_response"),
    path("budget/", views.budget, name="budget"),
    path("policy/", views.policy, name="policy"),
    path("renew/", views.renew, name="renew"),
    path("person/<int:pk>/end/", views.end_membership, name="end_membership"),
]
