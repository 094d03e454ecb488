"""database_ready: sent once at each launch, after the database has been brought up to date and
before the first request. An app connects its start-up work to it (clean-ups, pruning); a
`manage` command does not send it.

app_stopping: sent once as the app quits (its window closed, Quit, SIGTERM or Ctrl+C), before
the server lets its last requests end and the database is folded. An app tells its own threads
to stop there, and waits for them briefly: the process ends within 3 s of a stop signal or
the window's close whatever still runs (process/lifecycle.py), and the steps after the receivers
get what is left of that. Once the database is folded, a write started by a thread still running
waits until the process ends, and is never made (database.fold_and_hold_writes). A quit while
database_ready's receivers still run sends it too, once the migrations have ended, and folds the
database likewise: a receiver's next write is never made, so start-up work is work a launch cut
in its middle does again."""

from django.dispatch import Signal

database_ready = Signal()
app_stopping = Signal()
