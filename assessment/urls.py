"""URLs of the app. Each feature area adds its own patterns in its own block."""
from django.urls import path

from assessment.views import home

urlpatterns = [
    path("", home.home, name="home"),
]
