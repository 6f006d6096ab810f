"""`/healthz`: answered before any other middleware (no host check, no HTTPS redirect) for container healthchecks."""
from __future__ import annotations

from django.db import connection
from django.http import HttpResponse, JsonResponse


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != "/healthz":
            return self.get_response(request)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except Exception as exc:  # noqa: BLE001 - any database failure means unhealthy
            return JsonResponse({"status": "error", "database": str(exc)[:200]}, status=503)
        return HttpResponse("ok", content_type="text/plain")
