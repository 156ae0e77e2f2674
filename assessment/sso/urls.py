from django.urls import path

from assessment.sso import views

urlpatterns = [
    path("start/", views.ProviderSignInView.as_view(), name="sso-start"),
    path("callback/", views.ProviderCallbackView.as_view(), name="sso-callback"),
]
