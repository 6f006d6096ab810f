"""The API's shared views and mixins: the token endpoint and scoping. Settings-level parts are in `accounts.drf`."""
from __future__ import annotations

import hashlib

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle
from rest_framework.views import APIView

from .scoping import scope


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's schema, with a field's Vietnamese label (a model field's verbose name) as its description
    where the serializer gives no help text, so every field of the schema is described in Vietnamese."""

    def _get_serializer_field_meta(self, field, direction):
        meta = super()._get_serializer_field_meta(field, direction)
        if "description" not in meta and meta.get("title"):
            meta["description"] = meta["title"][:1].upper() + meta["title"][1:] + "."
        elif "description" not in meta and getattr(field, "field_name", "") == "id":
            meta["description"] = "Mã số bản ghi trong hệ thống."
        return meta


class ScopedQuerysetMixin:
    """Every viewset's rows pass through the one scoping function: an object outside scope is a 404."""

    def get_queryset(self):
        return scope(self.request.user, super().get_queryset())


class TokenUserThrottle(SimpleRateThrottle):
    """Token requests limited per username (in addition to the per-address limit)."""

    scope = "token"

    def get_cache_key(self, request, view):
        username = str(request.data.get("username", "")).strip().lower() if hasattr(request, "data") else ""
        if not username:
            return None
        # A digest, not the name itself: any text may be sent as a username (length, control characters).
        digest = hashlib.sha256(username.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        return self.cache_format % {"scope": self.scope, "ident": f"user:{digest}"}


class TokenAddressThrottle(AnonRateThrottle):
    scope = "token"


class TokenRequestSerializer(AuthTokenSerializer):
    """The token request, described in Vietnamese for the schema."""

    username = serializers.CharField(label="Tên đăng nhập", write_only=True, help_text="Tên đăng nhập của cán bộ.")
    password = serializers.CharField(label="Mật khẩu", style={"input_type": "password"}, trim_whitespace=False,
                                     write_only=True, help_text="Mật khẩu.")


class ObtainTokenView(APIView):
    """`POST /api/v1/auth/token/` with `username` and `password` → `{"token": "…"}`."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [TokenAddressThrottle, TokenUserThrottle]
    serializer_class = TokenRequestSerializer

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: inline_serializer("TokenResponse", {"token": serializers.CharField(help_text="Mã token.")})},
        summary="Lấy token truy cập",
        tags=["Xác thực"],
    )
    def post(self, request):
        from . import throttle

        username = str(request.data.get("username", "")) if hasattr(request.data, "get") else ""
        if throttle.is_locked(username, throttle.client_address(request)):
            raise exceptions.PermissionDenied(throttle.LOCKED_MESSAGE)
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        if not serializer.is_valid():
            raise exceptions.ValidationError(
                {"non_field_errors": ["Tên đăng nhập hoặc mật khẩu không đúng."]}
            )
        token, _ = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key}, status=status.HTTP_200_OK)
