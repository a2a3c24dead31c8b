from django.urls import path

from lindung.intake import views

app_name = "intake"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("template.xlsx", views.template, name="template"),
    path("<int:pk>/", views.batch_detail, name="batch"),
    path("<int:pk>/annotated/", views.annotated, name="annotated"),
    path("review/", views.review_queue, name="review"),
    path("review/<int:pk>/", views.review_row, name="review-row"),
]
