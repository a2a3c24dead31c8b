from django.urls import path

from lindung.claims import views

app_name = "claims"
urlpatterns = [
    path("", views.index, name="index"),
    path("report/", views.report, name="report"),
    path("import/", views.import_status, name="import"),
    path("totals/", views.totals, name="totals"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/reveal/", views.reveal, name="reveal"),
    path("<int:pk>/check-again/", views.recheck, name="recheck"),
    path("<int:pk>/documents/", views.upload, name="upload"),
    path("<int:pk>/documents/<int:document_pk>/", views.document, name="document"),
    path("<int:pk>/status/", views.status, name="status"),
]
