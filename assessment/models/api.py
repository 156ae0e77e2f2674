"""Personal access tokens of the read API (assessment/api/, docs/api.md)."""

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    """A token that reads, through the API, exactly what its user reads in the browser.

    Only the SHA-256 digest of the token is stored: the token itself is shown once,
    when it is made (services/api_tokens.py). `prefix` is its first characters, so
    its owner can tell their tokens apart.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "API token"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now) -> bool:
        return self.revoked_at is None and self.expires_at > now
