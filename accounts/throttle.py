"""Login throttling against password guessing: failures counted per username and per address in the cache."""
from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

from django.utils.translation import gettext_lazy

from households.text import fold

LOCKED_MESSAGE = gettext_lazy("Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau ít phút hoặc liên hệ quản trị hệ thống để mở khóa.")


def _keys(username: str, address: str) -> list[str]:
    return [f"login-fail:user:{fold(username)[:150]}", f"login-fail:addr:{address}"]


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def is_locked(username: str, address: str) -> bool:
    """Locked after LOGIN_MAX_FAILURES failures on one username, or four times that from one address
    (a commune office shares one address among several officers)."""
    user_key, addr_key = _keys(username, address)
    limit = settings.LOGIN_MAX_FAILURES
    return (cache.get(user_key) or 0) >= limit or (cache.get(addr_key) or 0) >= limit * 4


def record_failure(username: str, address: str) -> None:
    for key in _keys(username, address):
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=settings.LOGIN_LOCKOUT_SECONDS)


def reset(username: str, address: str) -> None:
    cache.delete(_keys(username, address)[0])
