from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.forms import AdminLoginForm

admin.site.site_header = gettext_lazy("Quản trị hệ thống giảm nghèo Sơn Dương")
admin.site.site_title = gettext_lazy("Giảm nghèo Sơn Dương")
admin.site.index_title = gettext_lazy("Quản trị dữ liệu")
# The admin's door shares the lock-out of the web login and the API (accounts.backends.LockoutBackend).
admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("sondương.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file: the Content-Security-Policy allows no inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("accounts.urls")),
    path("", include("households.urls")),
    path("", include("programs.urls")),
    path("", include("reporting.urls")),
]
