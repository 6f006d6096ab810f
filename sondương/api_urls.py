"""`/api/v1/`: every app registers its viewsets here (API.md is the contract)."""
from django.urls import include, path
from rest_framework.routers import DefaultRouter

from accounts.api import ObtainTokenView
from households import api as households_api

router = DefaultRouter()
router.register("units", households_api.UnitViewSet, basename="unit")
router.register("ethnic-groups", households_api.EthnicGroupViewSet, basename="ethnic-group")
router.register("households", households_api.HouseholdViewSet, basename="household")

urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("", include(router.urls)),
]
