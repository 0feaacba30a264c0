-- Every roster employee id (survey tokens are computed for each).
SELECT employee_id FROM roster ORDER BY employee_id
