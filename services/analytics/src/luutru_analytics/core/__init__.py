"""What analytics' feature folders share, so that they never import each other.

`alerts/`, `compliance/`, `feeds/`, `police/`, `projections/` and `watchlist/` import this
package (and `models`, `settings`, `text` at the package root) and `libs/common`, never one
another: the reader's scope (`scope.py`), the feed query with its filters, noise and
suppression (`query.py`, `filters.py`, `perturbation.py`), the CSV/XLSX answer (`render.py`,
`labels.py`), the police access log (`access_log.py`), the watchlist's matching rules
(`matching.py`) and the lookup of guests staying now that a new watchlist entry is matched
against (`presence.py`).
"""
