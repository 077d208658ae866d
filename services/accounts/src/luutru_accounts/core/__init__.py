"""What accounts' feature folders share, so that they never import each other.

`audit/`, `auth/`, `clients/`, `facilities/` and `users/` import this package (and `models`,
`settings`, `context` at the package root) and `libs/common`, never one another: the audit
trail (`audit.py`), passwords and their policy (`passwords.py`), signing keys, their sealing
and token minting (`keys.py`, `sealing.py`), refresh-token families and the login throttle
(`refresh.py`, `throttle.py`), the facility and user lookups (`facility_repository.py`,
`user_repository.py`), the token answer and the failure that must leave a trace
(`tokens.py`), and the client-credentials exchange (`client_credentials.py`).
"""
