"""Claims of the test provider: name, e-mail and a `groups` claim; and ID tokens made bad on purpose.

`DEFECTS` names users whose ID tokens are deliberately wrong, so that the
application's refusal of each kind of bad token is tested against a real
provider's real tokens rather than against a mock.
"""

import base64
import json
import time

from oauth2_provider.oauth2_validators import OAuth2Validator

# username -> one of: wrong-issuer, wrong-audience, expired, tampered-signature
DEFECTS: dict[str, str] = {}
KNOWN_DEFECTS = {"wrong-issuer", "wrong-audience", "expired", "tampered-signature"}


class GroupsClaimValidator(OAuth2Validator):
    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "groups": "openid"}

    def get_additional_claims(self, request):
        user = request.user
        return {
            "preferred_username": user.username,
            "name": user.get_full_name(),
            "given_name": user.first_name,
            "family_name": user.last_name,
            "email": user.email,
            "email_verified": True,
            "groups": sorted(user.groups.values_list("name", flat=True)),
        }

    def get_id_token_dictionary(self, token, token_handler, request):
        claims, expiration = super().get_id_token_dictionary(token, token_handler, request)
        defect = DEFECTS.get(request.user.username)
        if defect == "wrong-issuer":
            claims["iss"] = claims["iss"] + "-impostor"
        elif defect == "wrong-audience":
            claims["aud"] = "another-application"
        elif defect == "expired":
            claims["exp"] = int(time.time()) - 3600
            claims["iat"] = int(time.time()) - 7200
        return claims, expiration

    def finalize_id_token(self, id_token, token, token_handler, request):
        signed = super().finalize_id_token(id_token, token, token_handler, request)
        if DEFECTS.get(request.user.username) != "tampered-signature":
            return signed
        # Change the signed content after signing: the signature no longer matches it.
        header, payload, signature = signed.split(".")
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        claims["groups"] = [*claims.get("groups", []), "ml-everything-admins"]
        payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
        return f"{header}.{payload}.{signature}"
