-- One person's events in one campaign, by event time: an employee id, else an unknown email.
SELECT e.ts AS time, e.event, e.type, e.reason, e.ip, e.useragent, e.url,
       e.machine_open, e.received_at
FROM events AS e
LEFT JOIN roster AS r ON e.employee_id IS NULL AND lower(trim(r.email)) = e.email
WHERE e.campaign = $campaign
  AND (coalesce(e.employee_id, r.employee_id) = $employee_id
       OR ($employee_id IS NULL AND e.email = $email AND coalesce(e.employee_id, r.employee_id) IS NULL))
ORDER BY e.ts, e.event
