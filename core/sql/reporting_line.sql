-- Everyone below $manager_id in the reporting line, all levels (UNION stops at a cycle).
WITH RECURSIVE below(employee_id) AS (
    SELECT employee_id FROM roster WHERE manager_id = $manager_id AND employee_id <> $manager_id
    UNION
    SELECT r.employee_id FROM roster AS r JOIN below AS b ON r.manager_id = b.employee_id
)
SELECT b.employee_id FROM below AS b JOIN roster AS r USING (employee_id)
WHERE r.active AND b.employee_id <> $manager_id
ORDER BY 1
