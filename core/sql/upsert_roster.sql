-- Roster import from the registered `roster_rows`: new employees inserted, known ones updated.
-- A column the file lacks ($has_<column> false) keeps its stored values.
INSERT INTO roster (employee_id, email, name, department, manager, location, timezone, active,
                    manager_id)
SELECT employee_id, email, name, department, manager, location, timezone, active, manager_id
FROM roster_rows
ON CONFLICT (employee_id) DO UPDATE SET
    email = excluded.email,
    name = CASE WHEN $has_name THEN excluded.name ELSE name END,
    department = CASE WHEN $has_department THEN excluded.department ELSE department END,
    manager = CASE WHEN $has_manager THEN excluded.manager ELSE manager END,
    manager_id = CASE WHEN $has_manager_id THEN excluded.manager_id ELSE manager_id END,
    location = CASE WHEN $has_location THEN excluded.location ELSE location END,
    timezone = CASE WHEN $has_timezone THEN excluded.timezone ELSE timezone END,
    active = excluded.active
