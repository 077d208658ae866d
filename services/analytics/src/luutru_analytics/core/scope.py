"""Who may see which rows of a feed: police by province or commune, analysts by the facility
types of their department; small cells are suppressed for everyone but police. Facilities
have no access to analytics at all."""

from __future__ import annotations

from dataclasses import dataclass

from luutru_common.auth import POLICE_ROLES, Principal, Role
from luutru_common.facility_types import FACILITY_TYPE_CODES, types_of_department
from luutru_common.problems import Problem


@dataclass(frozen=True)
class FeedScope:
    facility_types: frozenset[str]
    communes: tuple[int, ...]  # empty = all communes
    suppress_below: int  # 0 = no suppression
    police: bool = False


def scope_for(principal: Principal, *, threshold: int) -> FeedScope:
    """Police see every facility type (an officer only their communes) and no suppression;
    a department analyst the types of their department, with small cells suppressed."""
    if principal.role in POLICE_ROLES:
        communes = principal.communes if principal.role == Role.POLICE_OFFICER else ()
        if principal.role == Role.POLICE_OFFICER and not communes:
            raise Problem(403, "no-communes", "Police officer has no communes assigned")
        return FeedScope(frozenset(FACILITY_TYPE_CODES), communes, 0, police=True)
    if principal.role == Role.DEPARTMENT_ANALYST and principal.department:
        return FeedScope(types_of_department(principal.department), (), threshold)
    raise Problem(403, "forbidden", "Forbidden", "Không có quyền xem số liệu / No feed access")


def require_police(principal: Principal) -> FeedScope:
    """Personal data and alerts: police only (commune police within their communes)."""
    if principal.role not in POLICE_ROLES:
        raise Problem(403, "forbidden", "Forbidden", "Chỉ lực lượng Công an / Police only")
    return scope_for(principal, threshold=0)
