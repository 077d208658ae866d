"""The one feed query: what a reader may see (their scope), narrowed by what they asked for
(the filters), with the threshold below which cells are suppressed and to whose multiples
counts are rounded. Feeds, compliance and the police reads all start from it, and every SQL
statement over stays, rollups or facilities takes its conditions from
`FeedQuery.conditions`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from luutru_analytics.core.perturbation import perturb
from luutru_analytics.core.scope import FeedScope
from luutru_common.problems import Problem


@dataclass(frozen=True)
class FeedQuery:
    """What one query may read: the scope narrowed by the caller's filters."""

    facility_types: list[str]
    communes: list[int] | None  # None = all
    star_ratings: list[int] | None  # None = all
    suppress_below: int  # 0 = no suppression

    def conditions(self, alias: str, *, types: bool = True, stars: bool = True) -> list[str]:
        """SQL conditions over the table named `alias`, whose rows carry `facility_type`,
        `commune_code` and `star_rating` (bound by `params`). `types=False` / `stars=False`
        for tables without those columns (trips, alerts)."""
        where = []
        if types:
            where.append(f"{alias}.facility_type = ANY(CAST(:types AS text[]))")
        if self.communes is not None:
            where.append(f"{alias}.commune_code = ANY(CAST(:communes AS int[]))")
        if stars and self.star_ratings is not None:
            where.append(f"{alias}.star_rating = ANY(CAST(:stars AS int[]))")
        return where

    def stay_conditions(self, alias: str = "s") -> list[str]:
        """`conditions` over `stay_facts`, voided stays left out."""
        return [f"NOT {alias}.voided", *self.conditions(alias)]

    def publish(self, count: int, key_sum: int) -> int:
        """A count as this reader may see it: rounded by its cell key to a multiple of the
        threshold (core/perturbation.py); exact for police (no threshold)."""
        return perturb(count, key_sum, self.suppress_below)

    def params(self) -> dict[str, Any]:
        return {"types": self.facility_types, "communes": self.communes, "stars": self.star_ratings}


def narrow(
    scope: FeedScope,
    *,
    feed_types: frozenset[str] | None = None,
    facility_types: tuple[str, ...] = (),
    communes: tuple[int, ...] = (),
    star_ratings: tuple[int, ...] = (),
) -> FeedQuery:
    """The scope narrowed by a feed's own facility types and the caller's filters. Asking
    only for communes outside one's scope gives nothing rather than everything."""
    types = set(scope.facility_types)
    if feed_types is not None:
        types &= feed_types
        if not types:
            raise Problem(
                403,
                "forbidden",
                "Forbidden",
                "Số liệu này thuộc sở khác / This feed belongs to another department",
            )
    if facility_types:
        types &= set(facility_types)
    if scope.communes:
        allowed = [c for c in communes if c in scope.communes] if communes else list(scope.communes)
        chosen: list[int] | None = allowed or [-1]
    else:
        chosen = list(communes) or None
    return FeedQuery(sorted(types), chosen, list(star_ratings) or None, scope.suppress_below)
