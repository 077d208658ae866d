"""Which scope a machine client (a PMS, a coach operator's system) needs for each endpoint.

Reads need a read scope as much as writes need a write scope: a token granted only
``stays:write`` registers guests but cannot list them. An endpoint missing from this table is
closed to machine clients (see ``luutru_common.auth``); people are governed by their role.
Upload endpoints take either family, since a facility takes guests or passengers, never both,
and accounts grants a client only its facility's family.
"""

from __future__ import annotations

from luutru_common.auth import client_scopes

STAYS_WRITE = "stays:write"
STAYS_READ = "stays:read"
TRIPS_WRITE = "trips:write"
TRIPS_READ = "trips:read"

CLIENT_SCOPES = client_scopes(
    {
        ("POST", "/v1/stays"): STAYS_WRITE,
        ("GET", "/v1/stays"): STAYS_READ,
        ("POST", "/v1/stays/batch"): STAYS_WRITE,
        ("POST", "/v1/stays/validate"): STAYS_WRITE,
        ("GET", "/v1/stays/by-number/{number}"): STAYS_READ,
        ("GET", "/v1/stays/{stay_id}"): STAYS_READ,
        ("PUT", "/v1/stays/{stay_id}"): STAYS_WRITE,
        ("POST", "/v1/stays/{stay_id}/check-out"): STAYS_WRITE,
        ("POST", "/v1/stays/{stay_id}/extend"): STAYS_WRITE,
        ("POST", "/v1/stays/{stay_id}/void"): STAYS_WRITE,
        ("POST", "/v1/stays/{stay_id}/move"): STAYS_WRITE,
        ("GET", "/v1/rooms/{facility_id}"): STAYS_READ,
        ("GET", "/v1/rooms/{facility_id}/board"): STAYS_READ,
        ("GET", "/v1/rooms/{facility_id}/{room_id}"): STAYS_READ,
        ("POST", "/v1/qr/parse"): STAYS_WRITE,
        ("POST", "/v1/uploads"): STAYS_WRITE,
        ("POST", "/v1/uploads/preview"): (STAYS_WRITE, TRIPS_WRITE),
        ("GET", "/v1/uploads/{upload_id}"): (STAYS_READ, TRIPS_READ),
        ("GET", "/v1/uploads/{upload_id}/errors.{fmt}"): (STAYS_READ, TRIPS_READ),
        ("GET", "/v1/templates/guests.{fmt}"): STAYS_WRITE,
        ("POST", "/v1/trips"): TRIPS_WRITE,
        ("GET", "/v1/trips"): TRIPS_READ,
        ("GET", "/v1/trips/by-number/{number}"): TRIPS_READ,
        ("GET", "/v1/trips/{trip_id}"): TRIPS_READ,
        ("POST", "/v1/trips/{trip_id}/passengers"): TRIPS_WRITE,
        ("POST", "/v1/trips/{trip_id}/cancel"): TRIPS_WRITE,
        ("POST", "/v1/uploads/trips"): TRIPS_WRITE,
        ("GET", "/v1/templates/trip-passengers.{fmt}"): TRIPS_WRITE,
        # Guest pre-registration (a PMS may hand out links and confirm arrivals too). The
        # guest's own endpoints (/v1/guest-links/...) take no token: the signed link is it.
        ("POST", "/v1/pre-registrations/links"): STAYS_WRITE,
        ("GET", "/v1/pre-registrations/links"): STAYS_READ,
        ("DELETE", "/v1/pre-registrations/links/{link_id}"): STAYS_WRITE,
        ("GET", "/v1/pre-registrations"): STAYS_READ,
        ("POST", "/v1/pre-registrations/{pre_registration_id}/confirm"): STAYS_WRITE,
    }
)

# Closed to machine clients on purpose: the room registry is kept by people (the facility's
# manager, the police admin), as facility settings are, not by a PMS's token.
CLOSED_TO_CLIENTS = frozenset(
    {
        ("POST", "/v1/rooms/{facility_id}"),
        ("POST", "/v1/rooms/{facility_id}/range"),
        ("PATCH", "/v1/rooms/{facility_id}/{room_id}"),
        ("POST", "/v1/rooms/{facility_id}/{room_id}/out-of-service"),
        ("POST", "/v1/rooms/{facility_id}/{room_id}/back-in-service"),
        ("POST", "/v1/rooms/{facility_id}/{room_id}/retire"),
        ("GET", "/v1/rooms/{facility_id}/{room_id}/history"),
    }
)
