-- One completion; the earliest wins (as a completions import does).
INSERT INTO completions (campaign, employee_id, completed_at)
VALUES ($campaign, $employee_id, $completed_at)
ON CONFLICT (campaign, employee_id) DO UPDATE SET
    completed_at = least(completed_at, excluded.completed_at)
