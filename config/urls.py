from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from assessment.views import health

admin.site.site_header = "ML Readiness administration"
admin.site.site_title = "ML Readiness admin"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("", include("assessment.urls")),
]

handler404 = "assessment.views.errors.not_found"
handler500 = "assessment.views.errors.server_error"
handler403 = "assessment.views.errors.forbidden"
handler400 = "assessment.views.errors.bad_request"
