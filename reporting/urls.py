"""Pages of the reporting app: dashboards (dashboard views) and deadlines, submissions, downloads (report views)."""
from django.urls import path  # noqa: F401  (helpers add their paths here)

app_name = "reporting"

urlpatterns: list = [
]
