"""The API's shared views and mixins: the token endpoint and scoping. Settings-level parts are in `accounts.drf`."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle
from rest_framework.views import APIView

from .scoping import scope


class ScopedQuerysetMixin:
    """Every viewset's rows pass through the one scoping function: an object outside scope is a 404."""

    def get_queryset(self):
        return scope(self.request.user, super().get_queryset())


class TokenUserThrottle(SimpleRateThrottle):
    """Token requests limited per username (in addition to the per-address limit)."""

    scope = "token"

    def get_cache_key(self, request, view):
        username = str(request.data.get("username", "")).strip().lower() if hasattr(request, "data") else ""
        return self.cache_format % {"scope": self.scope, "ident": f"user:{username}"} if username else None


class TokenAddressThrottle(AnonRateThrottle):
    scope = "token"


class ObtainTokenView(APIView):
    """`POST /api/v1/auth/token/` with `username` and `password` → `{"token": "…"}`."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [TokenAddressThrottle, TokenUserThrottle]
    serializer_class = AuthTokenSerializer

    @extend_schema(
        request=AuthTokenSerializer,
        responses={200: inline_serializer("TokenResponse", {"token": serializers.CharField(help_text="Mã token.")})},
        summary="Lấy token truy cập",
        tags=["Xác thực"],
    )
    def post(self, request):
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        if not serializer.is_valid():
            raise exceptions.ValidationError(
                {"non_field_errors": ["Tên đăng nhập hoặc mật khẩu không đúng."]}
            )
        token, _ = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key}, status=status.HTTP_200_OK)
