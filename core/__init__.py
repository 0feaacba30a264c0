"""The core: settings, the database and its one writer, the funnel, reminders, roster and clients.

It imports nothing of ours; the receiver, the dashboard and the composition root stand on it.
"""
