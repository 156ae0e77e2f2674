"""URL patterns of the results pages."""
from django.urls import path  # noqa: F401

urlpatterns = []
