-- Record the registered `resolved_completions` for $campaign; the earliest completion wins.
INSERT INTO completions (campaign, employee_id, completed_at)
SELECT $campaign, employee_id, min(completed_at)
FROM resolved_completions
GROUP BY employee_id
ON CONFLICT (campaign, employee_id) DO UPDATE SET
    completed_at = least(completed_at, excluded.completed_at)
