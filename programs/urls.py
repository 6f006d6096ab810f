from django.urls import path

from . import views

app_name = "programs"

urlpatterns = [
    path("plan/", views.plan_overview, name="plan"),
    path("targets/", views.targets, name="targets"),
    path("targets/<int:pk>/", views.target_detail, name="target_detail"),
    path("targets/<int:pk>/divide/", views.target_divide, name="target_divide"),
    path("tasks/", views.tasks, name="tasks"),
    path("tasks/open-year/", views.tasks_open_year, name="tasks_open_year"),
    path("tasks/assign/", views.task_assign, name="task_assign"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/updates/<int:pk>/evidence/", views.task_evidence, name="task_evidence"),
    path("support/", views.support_list, name="support_list"),
    path("support/new/", views.support_create, name="support_create"),
    path("support/households/<str:code>/", views.household_support, name="household_support"),
    path("funds/", views.funds, name="funds"),
    path("funds/new/", views.fund_edit, name="fund_create"),
    path("funds/<int:pk>/edit/", views.fund_edit, name="fund_edit"),
]
