-- One row per employee of $campaign: stage, flags and first times (SPEC "Funnel stages"). The
-- judging of events is `recipient_states.sql`: kept in `funnel_state`, with the registered
-- `fresh_states` (judged since batch $since, -1: from scratch) laid over it. Here come the
-- roster, the completions and the stage, which change without events.
WITH
state AS (
    SELECT * FROM funnel_state
    WHERE campaign = $campaign AND $since <> -1 AND who NOT IN (SELECT who FROM fresh_states)
    UNION ALL BY NAME
    SELECT * FROM fresh_states
),
mailed AS (  -- the mails mailpulse sent (or perhaps sent: uncertain) of $campaign
    SELECT employee_id, count(*) AS mails_sent, max(coalesce(accepted_at, queued_at)) AS last_mailed_at
    FROM sends WHERE campaign = $campaign AND state IN ('accepted', 'uncertain')
    GROUP BY employee_id
),
done AS (
    SELECT employee_id, completed_at FROM completions WHERE campaign = $campaign
),
-- Everyone with events, plus active roster employees and completers without any. An unknown
-- person (`who` is their email) joins no roster entry.
people AS (
    SELECT CASE WHEN s.known THEN s.who ELSE ro.employee_id END AS employee_id,
           coalesce(ro.email, s.event_email, CASE WHEN NOT s.known THEN s.who END) AS email,
           ro.name, ro.department, ro.manager, ro.manager_id, ro.location, ro.timezone, ro.active,
           s.* EXCLUDE (campaign, who, known, event_email),
           done.completed_at
    FROM state AS s
    FULL JOIN roster AS ro ON ro.employee_id = CASE WHEN s.known THEN s.who END
    LEFT JOIN done ON done.employee_id = coalesce(ro.employee_id, CASE WHEN s.known THEN s.who END)
),
funnel AS (
    SELECT *,
           CASE
               WHEN completed_at IS NOT NULL THEN 'completed'
               WHEN clicked_at IS NOT NULL THEN 'clicked'
               WHEN opened_at IS NOT NULL THEN 'opened'
               WHEN delivered_at IS NOT NULL THEN 'delivered'
               WHEN bounced THEN 'bounced'
               WHEN deferred THEN 'deferred'
               WHEN last_event_at IS NOT NULL THEN 'sent'
               ELSE 'not_sent'
           END AS stage
    FROM people
    WHERE last_event_at IS NOT NULL OR active OR completed_at IS NOT NULL
)
SELECT employee_id, email, name, department, manager, manager_id, location, timezone, stage,
       coalesce(opted_out, false) AS opted_out,
       coalesce(machine_open, false) AS machine_open,
       coalesce(bot_click, false) AS bot_click,
       delivered_at, opened_at, clicked_at, last_event_at,
       CASE WHEN stage = 'bounced' THEN bounce_reason ELSE bot_reason END AS reason,
       coalesce(m.mails_sent, 0) AS mails_sent, m.last_mailed_at
FROM funnel LEFT JOIN mailed AS m USING (employee_id)
ORDER BY employee_id NULLS FIRST, email
