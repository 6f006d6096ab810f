"""`/api/v1/`: every app registers its viewsets here (docs/api.md is the contract)."""
from django.urls import include, path
from rest_framework.routers import DefaultRouter

from accounts.api import ObtainTokenView
from households import api as households_api
from households import api_events
from households import api_io as households_api_io
from programs import api as programs_api
from reporting import api as reporting_api
from reporting import api_statistics

router = DefaultRouter()
router.register("units", households_api.UnitViewSet, basename="unit")
router.register("ethnic-groups", households_api.EthnicGroupViewSet, basename="ethnic-group")
router.register("households", households_api.HouseholdViewSet, basename="household")
router.register("household-events", api_events.HouseholdEventViewSet, basename="household-event")
router.register("agencies", programs_api.AgencyViewSet, basename="agency")
router.register("tasks", programs_api.TaskViewSet, basename="task")
router.register("targets", programs_api.TargetViewSet, basename="target")
router.register("support-records", programs_api.SupportRecordViewSet, basename="support-record")
router.register("reports", reporting_api.ReportViewSet, basename="report")
router.register("obligations", reporting_api.ObligationViewSet, basename="obligation")
router.register("submissions", reporting_api.SubmissionViewSet, basename="submission")
router.register("standards", households_api.StandardViewSet, basename="standard")
router.register("reviews", households_api.ReviewViewSet, basename="review")

urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("classify/", households_api.ClassifyView.as_view(), name="api-classify"),
    # Before the router: "bulk" is not a review id.
    path("reviews/bulk/", households_api_io.ReviewBulkView.as_view(), name="api-reviews-bulk"),
    # One object, not a list: an APIView, so the schema says so (a ViewSet's `list` is documented as an array).
    path("statistics/poverty/", api_statistics.PovertyStatisticsView.as_view(), name="api-statistics-poverty"),
    path("", include(router.urls)),
]
