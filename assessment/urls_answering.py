"""URL patterns of the answering pages."""
from django.urls import path  # noqa: F401

urlpatterns = []
