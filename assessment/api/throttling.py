"""One rate per token (settings.REST_FRAMEWORK, API_RATE), counted in the shared cache (settings.CACHES)."""

from typing import cast

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class TokenRateThrottle(SimpleRateThrottle):
    scope = "api_token"

    def get_rate(self):
        # Read at each call (DRF keeps its own copy of the settings from the first import).
        rates = cast(dict[str, str], settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"])
        return rates[self.scope]

    def get_cache_key(self, request, view):
        token = request.auth
        if token is None:
            return None  # not authenticated: refused with 401 before any throttling matters
        return self.cache_format % {"scope": self.scope, "ident": token.pk}
