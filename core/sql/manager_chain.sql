-- The managers above $employee_id by the roster's manager_id, nearest first (depth bounds a cycle).
WITH RECURSIVE up(employee_id, depth) AS (
    SELECT manager_id, 1 FROM roster WHERE employee_id = $employee_id AND manager_id IS NOT NULL
    UNION ALL
    SELECT r.manager_id, u.depth + 1
    FROM roster AS r JOIN up AS u ON r.employee_id = u.employee_id
    WHERE r.manager_id IS NOT NULL AND r.manager_id <> r.employee_id AND u.depth < 12
)
SELECT u.employee_id, coalesce(r.name, u.employee_id) AS name
FROM up AS u LEFT JOIN roster AS r USING (employee_id)
ORDER BY u.depth
