"""The user's profile page: who they are, and their API token — shown, renewed, revoked (docs/api.md: `Authorization:
Token …`). A token is a password for scripts: renewing it stops the old one at once, revoking leaves none."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.utils.translation import gettext
from rest_framework.authtoken.models import Token

from .scoping import commune_ids


def token_renew(*, user) -> Token:
    """A new token for the user; the old one (if any) stops working."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


def token_revoke(*, user) -> bool:
    deleted, _ = Token.objects.filter(user=user).delete()
    return bool(deleted)


@never_cache
@login_required
def profile(request):
    user = request.user
    token = Token.objects.filter(user=user).first()
    ids = commune_ids(user)
    return render(request, "accounts/profile.html", {
        "token": token,
        "scope_label": gettext("Toàn bộ địa bàn chương trình") if ids is None else (gettext("%(len)s đơn vị cấp xã (kể cả đơn vị cũ đã sáp nhập)") % {"len": len(ids)}),
        "api_url": request.build_absolute_uri("/api/v1/"),
        "docs_url": request.build_absolute_uri("/api/docs/"),
    })


@require_POST
@login_required
def token_action(request, action: str):
    user = request.user
    if action not in ("renew", "revoke"):
        raise Http404
    if action == "renew":
        token_renew(user=user)
        messages.success(request, gettext("Đã cấp token mới. Token cũ (nếu có) không còn dùng được; cập nhật token mới vào phần mềm của xã."))
    elif action == "revoke":
        if token_revoke(user=user):
            messages.success(request, gettext("Đã thu hồi token: mọi yêu cầu dùng token này đều bị từ chối."))
        else:
            messages.info(request, gettext("Bạn chưa có token nào."))
    return redirect("accounts:profile")


@login_required
def password_change(request):
    """The officer changes their own password (the old one, then the new one twice, under the password rules);
    the session stays signed in, and the API token is kept."""
    from django.contrib.auth import update_session_auth_hash
    from django.contrib.auth.forms import PasswordChangeForm

    form = PasswordChangeForm(request.user, request.POST or None)
    form.fields["old_password"].label = gettext("Mật khẩu hiện tại")
    form.fields["new_password1"].label = gettext("Mật khẩu mới")
    form.fields["new_password2"].label = gettext("Nhập lại mật khẩu mới")
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        messages.success(request, gettext("Đã đổi mật khẩu."))
        return redirect("accounts:profile")
    return render(request, "accounts/password_change.html", {"form": form}, status=400 if form.is_bound else 200)
