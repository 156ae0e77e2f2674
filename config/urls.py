from django.contrib import admin
from django.urls import include, path

from assessment.sso import views as sso_views
from assessment.views import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("login/", sso_views.login, name="login"),
    path("logout/", sso_views.logout, name="logout"),
    path("password/set/<uidb64>/<token>/", sso_views.PasswordSetView.as_view(), name="password-set"),
    path("sso/", include("assessment.sso.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("assessment.api.urls")),
    path("", include("assessment.urls")),
]

handler404 = "assessment.views.errors.not_found"
handler500 = "assessment.views.errors.server_error"
handler403 = "assessment.views.errors.forbidden"
handler400 = "assessment.views.errors.bad_request"
