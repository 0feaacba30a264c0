"""The one exception for a user's mistake: its message is one sentence, shown as it is."""


class UserError(Exception):
    """A mistake the user can fix (a wrong name, a bad file, a missing database).

    The CLI prints it on stderr and exits 1, the admin API answers it with 400, the dashboard
    shows it as an error box: never a traceback.
    """
