from django.urls import path

from . import profile, views

app_name = "accounts"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("profile/", profile.profile, name="profile"),
    path("profile/token/<str:action>/", profile.token_action, name="token"),
    path("profile/password/", profile.password_change, name="password_change"),
    path("access-log/", views.access_log, name="access_log"),
]
