DELETE FROM quarantine WHERE rowid = ANY($rowids)
