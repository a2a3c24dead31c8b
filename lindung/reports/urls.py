from django.urls import path

from lindung.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("paritrana/<int:year>/<str:kind>/", views.paritrana, name="paritrana"),
    path("village/<str:code>/pdf/", views.village, name="village"),
    path("regulation/add/", views.regulation_edit, name="regulation-add"),
    path("regulation/<int:pk>/", views.regulation_edit, name="regulation-edit"),
    path("innovation/add/", views.innovation_edit, name="innovation-add"),
    path("innovation/<int:pk>/", views.innovation_edit, name="innovation-edit"),
]
