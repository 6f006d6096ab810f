"""Requests refused before any view runs."""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext, gettext_noop

NUL_MESSAGE = gettext_noop("Tham số của yêu cầu có ký tự không hợp lệ (ký tự rỗng %00).")


class RejectNulMiddleware:
    """A NUL character (`%00`) in the query string or a form field: 400 with a Vietnamese message, never a 500 from
    the database (PostgreSQL refuses NUL in text) deep inside a filter, on any page or API endpoint."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or self._has_nul(request):
            message = gettext(NUL_MESSAGE)
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400)
            return HttpResponse(render_to_string("400.html", {"message": message}, request=request), status=400)
        return self.get_response(request)

    @staticmethod
    def _has_nul(request: HttpRequest) -> bool:
        sources = [request.GET]
        if request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
            sources.append(request.POST)
        for data in sources:
            for key, values in data.lists():
                if "\x00" in key or any("\x00" in v for v in values):
                    return True
        if request.content_type == "application/json" and request.method in ("POST", "PUT", "PATCH"):
            return RejectNulMiddleware._json_has_nul(request.body)
        return False

    @staticmethod
    def _json_has_nul(body: bytes) -> bool:
        """A NUL inside a JSON body's text (written "\\u0000"), found by walking the parsed document; a body that
        does not parse is left to the API, which answers 400 for it."""
        if b"\\u0000" not in body and b"\x00" not in body:
            return False
        import json

        try:
            document = json.loads(body)
        except ValueError:
            return b"\x00" in body
        todo = [document]
        while todo:
            item = todo.pop()
            if isinstance(item, str) and "\x00" in item:
                return True
            if isinstance(item, dict):
                todo.extend(item.keys())
                todo.extend(item.values())
            elif isinstance(item, list):
                todo.extend(item)
        return False


class NoStoreApiMiddleware:
    """API answers carry names, addresses and ID numbers: `Cache-Control: no-store, private` on every one, so no
    browser or proxy of a commune's network keeps a copy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith("/api/") and not request.path.startswith(("/api/docs", "/api/schema")):
            patch_cache_control(response, no_store=True, private=True)
        return response
