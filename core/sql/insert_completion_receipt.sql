-- What a post became, once per source and event id; RETURNING tells whether it was new.
INSERT INTO completion_receipts
    (source, event_id, post_id, received_at, campaign, employee_id, completed_at, reason)
VALUES ($source, $event_id, $post_id, $received_at, $campaign, $employee_id, $completed_at, $reason)
ON CONFLICT DO NOTHING
RETURNING post_id
