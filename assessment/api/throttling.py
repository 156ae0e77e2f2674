"""One rate per token (settings.REST_FRAMEWORK, API_RATE), counted in the shared cache (settings.CACHES)."""

from rest_framework.throttling import SimpleRateThrottle


class TokenRateThrottle(SimpleRateThrottle):
    scope = "api_token"

    def get_cache_key(self, request, view):
        token = request.auth
        if token is None:
            return None  # not authenticated: refused with 401 before any throttling matters
        return self.cache_format % {"scope": self.scope, "ident": token.pk}
