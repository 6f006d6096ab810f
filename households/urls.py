from django.urls import path

from . import views

app_name = "households"

urlpatterns = [
    path("households/", views.household_list, name="household_list"),
    path("households/new/", views.household_edit, name="household_create"),
    path("households/<str:code>/", views.household_detail, name="household_detail"),
    path("households/<str:code>/edit/", views.household_edit, name="household_edit"),
]
