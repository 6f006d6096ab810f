from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext, gettext_lazy

from . import throttle


class LoginForm(AuthenticationForm):
    """Django's login form with a lock-out after repeated failures (per username and per address)."""

    error_messages = {
        "invalid_login": gettext_lazy("Tên đăng nhập hoặc mật khẩu không đúng. Lưu ý: mật khẩu phân biệt chữ hoa, chữ thường."),
        "inactive": gettext_lazy("Tài khoản này đã bị khóa. Liên hệ quản trị hệ thống."),
        "locked": (
            gettext_lazy("Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau %(minutes)d phút "
            "hoặc liên hệ quản trị hệ thống để mở khóa.")
        ),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = gettext("Tên đăng nhập")
        self.fields["password"].label = gettext("Mật khẩu")
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})

    def clean(self):
        from django.conf import settings

        username = self.data.get("username", "")
        address = throttle.client_address(self.request) if self.request else ""
        if throttle.is_locked(username, address):
            raise forms.ValidationError(
                self.error_messages["locked"],
                code="locked",
                params={"minutes": max(1, settings.LOGIN_LOCKOUT_SECONDS // 60)},
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            throttle.record_failure(username, address)
            raise
        throttle.reset(username, address)
        return cleaned
