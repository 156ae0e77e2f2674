"""Single sign-on through the agency's OpenID Connect provider, built on mozilla-django-oidc.

discovery.py reads the provider's published configuration and signing keys,
backend.py verifies the ID token and hands the claims to services/sign_in.py,
views.py starts and finishes the sign-in and signs out at the provider too.
"""
