"""The read-only REST API under /api/v1/ (docs/api.md): Django REST framework, drf-spectacular for OpenAPI.

Rights come from assessment/access.py, as for the pages; a caller authenticates with a personal
access token only (authentication.py), never with the session cookie.
"""
