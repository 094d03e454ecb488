"""database_ready: sent once at each launch, after the database has been brought up to date and
before the first request. An app connects its start-up work to it (clean-ups, pruning); a
`manage` command does not send it."""

from django.dispatch import Signal

database_ready = Signal()
