"""luutru web console: static pages that talk to the public APIs with the user's token."""
