SELECT rowid, payload FROM quarantine
