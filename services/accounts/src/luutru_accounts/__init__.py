"""accounts: facility registry, users and roles, token issuing (JWKS)."""
