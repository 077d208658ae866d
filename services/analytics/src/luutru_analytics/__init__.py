"""analytics: projections of the event streams, department feeds, alerts, compliance."""
