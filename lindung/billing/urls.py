from django.urls import path

from lindung.billing import views

app_name = "billing"
urlpatterns = [
    path("", views.invoice_list, name="index"),
    path("invoice/<int:pk>/", views.invoice_detail, name="invoice"),
    path("invoice/<int:pk>/xlsx/", views.invoice_xlsx, name="invoice_xlsx"),
    path("invoice/<int:pk>/pdf/", views.invoice_pdf, name="invoice_pdf"),
    path("payer/<int:pk>/", views.payer_statement, name="statement"),
    path("enrol/", views.enrol_members, name="enrol"),
]
