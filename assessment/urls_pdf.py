"""URL patterns of the pdf pages."""
from django.urls import path  # noqa: F401

urlpatterns = []
