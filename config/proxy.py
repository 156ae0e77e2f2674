"""The client's address behind reverse proxies, for login throttling (django-axes).

Behind a proxy every request comes from the proxy's address, so throttling by
address would lock out everyone at once. Each trusted proxy appends the address
it saw to X-Forwarded-For; the entry PROXY_COUNT places from the end is the
client as seen by the outermost trusted proxy. Entries further left are
whatever the client sent and cannot be trusted.
"""

from django.conf import settings


def client_ip(request) -> str | None:
    count = getattr(settings, "PROXY_COUNT", 0)
    remote = request.META.get("REMOTE_ADDR")
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < count:
        return remote
    return forwarded[-count]
