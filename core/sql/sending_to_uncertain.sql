-- At start: a request that was in flight when the process died may have been accepted.
UPDATE sends SET state = 'uncertain', error = 'The answer to the request was lost (a restart).'
WHERE state = 'sending'
