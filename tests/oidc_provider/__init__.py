"""A real OpenID Connect provider for the tests and for trying single sign-on by hand.

A second, small Django project serving django-oauth-toolkit with OpenID Connect
on: RS256 keys made at start, PKCE required, its own login page, a `groups`
claim from the provider's Django groups, and RP-initiated logout. Started on a
free loopback port by tests/sso_helpers.py for the test session, or by hand:

    .venv/bin/python -m tests.oidc_provider --demo

It is test equipment: never deploy it.
"""
