"""Pages of the reporting app: dashboards (dashboard views) and deadlines, submissions, downloads (report views)."""
from django.urls import path  # noqa: F401  (helpers add their paths here)

from . import dashboard
from . import views as report_views

app_name = "reporting"

urlpatterns: list = [
    # Dashboards of the district office and the communes (reporting/dashboard.py).
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard/export/<slug:key>.xlsx", dashboard.dashboard_export, name="dashboard_export"),
    path("dashboard/households/", dashboard.dashboard_households, name="dashboard_households"),
    # Deadlines, submissions, generated reports, downloads (reporting/views.py).
    path("obligations/", report_views.obligation_list, name="obligations"),
    path("obligations/<int:pk>/", report_views.obligation_detail, name="obligation_detail"),
    path("obligations/<int:pk>/attach/", report_views.obligation_attach, name="obligation_attach"),
    path("obligations/<int:pk>/decide/", report_views.obligation_decide, name="obligation_decide"),
    path("obligations/<int:pk>/files/<int:attachment_pk>/", report_views.attachment_download, name="attachment_download"),
    path("obligations/<int:pk>/files/<int:attachment_pk>/delete/", report_views.attachment_delete, name="attachment_delete"),
    path("reports/", report_views.download_centre, name="downloads"),
    path("reports/new/", report_views.report_new, name="report_new"),
    path("reports/<int:pk>/", report_views.report_detail, name="report_detail"),
    path("reports/<int:pk>/status/", report_views.report_status, name="report_status"),
    path("reports/<int:pk>/download/", report_views.report_download, name="report_download"),
    path("notifications/", report_views.notification_list, name="notifications"),
    path("notifications/<int:pk>/", report_views.notification_open, name="notification_open"),
]
