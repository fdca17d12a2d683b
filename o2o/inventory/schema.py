"""OpenAPI description of the POS token authentication (drf-spectacular)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class IntegrationTokenScheme(OpenApiAuthenticationExtension):
    target_class = "o2o.inventory.authentication.IntegrationTokenAuthentication"
    name = "IntegrationToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A per-integration POS token: `Authorization: Bearer o2o_...`",
        }
