"""Activities of the spaces: recurring sessions, registrations with waitlists, calendars."""
