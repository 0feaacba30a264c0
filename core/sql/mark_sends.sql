-- One request's recipients move from state $from to $to (positions $first..$last of the job:
-- every mail in state $from there belongs to that request).
UPDATE sends
SET state = $to,
    accepted_at = CASE WHEN $to = 'accepted' THEN $now ELSE accepted_at END,
    x_message_id = coalesce($message_id, x_message_id),
    error = coalesce($error, error)
WHERE job_id = $job_id AND position BETWEEN $first AND $last AND state = $from
