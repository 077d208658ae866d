"""Projections of facility.v1, stay.v1 and trip.v1 (the service builds its handlers with
`handlers.build_handlers`).

Every handler is idempotent on its own (upserts on natural keys, version and time guards), on
top of the consumer runner's `processed_events`: a re-sent event with a new event id, a
check-out before its check-in, or an older correction after a newer one all end in the same
rows as the events in order would.
"""
