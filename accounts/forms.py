from __future__ import annotations

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext, gettext_lazy

from . import throttle


LOCKED = gettext_lazy("Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau %(minutes)d phút hoặc liên hệ quản trị hệ thống để mở khóa.")


class LockoutMessage:
    """A login form that says an account is locked (the lock itself is `accounts.backends.LockoutBackend`, shared
    by every door) instead of "wrong password"."""

    def clean(self):
        from django.conf import settings

        username = self.data.get("username", "")
        address = throttle.client_address(self.request) if self.request else ""
        if throttle.is_locked(username, address):
            raise forms.ValidationError(
                LOCKED,
                code="locked",
                params={"minutes": max(1, settings.LOGIN_LOCKOUT_SECONDS // 60)},
            )
        return super().clean()


class LoginForm(LockoutMessage, AuthenticationForm):
    """Django's login form with a lock-out after repeated failures (per username and per address)."""

    error_messages = {
        "invalid_login": gettext_lazy("Tên đăng nhập hoặc mật khẩu không đúng. Lưu ý: mật khẩu phân biệt chữ hoa, chữ thường."),
        "inactive": gettext_lazy("Tài khoản này đã bị khóa. Liên hệ quản trị hệ thống."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = gettext("Tên đăng nhập")
        self.fields["password"].label = gettext("Mật khẩu")
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})


class AdminLoginForm(LockoutMessage, AdminAuthenticationForm):
    """The admin's login form, locked by the same counter as the web login and the API."""
