SELECT nextval('batch_ids') FROM range($count)
