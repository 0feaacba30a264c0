-- One row per employee of $campaign: stage, flags and first times (SPEC "Funnel stages" and
-- "Precise rules"). A recipient (`who`) is the employee id, else the email of an unknown person.
-- Times are compared as epoch microseconds (`us`): integer arithmetic, no time-zone calendar.
WITH
-- Roster emails are stored trimmed and lower-cased (roster import), like event emails, so the
-- case-insensitive match is a plain join. An address on two entries goes to the active one.
roster_email AS (
    SELECT email, arg_min(employee_id, (NOT active, employee_id)) AS employee_id
    FROM roster
    GROUP BY email
),
-- `kind` codes the event types the funnel reads (integers compare faster than text): 1 delivered,
-- 2 open, 3 unsubscribe or spamreport, 4 click, 5 bounce, 6 dropped, 7 deferred,
-- 8 group_unsubscribe, 9 group_resubscribe, 0 anything else (processed, unknown types).
typed_events AS NOT MATERIALIZED (
    SELECT rowid AS rid, employee_id, email, epoch_us(ts) AS us, ip, machine_open,
           CASE event
               WHEN 'delivered' THEN 1 WHEN 'open' THEN 2
               WHEN 'unsubscribe' THEN 3 WHEN 'spamreport' THEN 3
               WHEN 'click' THEN 4 WHEN 'group_unsubscribe' THEN 8
               WHEN 'group_resubscribe' THEN 9
               WHEN 'bounce' THEN 5 WHEN 'dropped' THEN 6 WHEN 'deferred' THEN 7
               ELSE 0
           END AS kind,
           CASE WHEN event IN ('bounce', 'dropped') THEN reason END AS reason,
           CASE WHEN event IN ('group_unsubscribe', 'group_resubscribe') THEN asm_group_id END
               AS asm_group_id
    FROM events
    WHERE campaign = $campaign AND email IS NOT NULL
),
-- Events carry the employee custom arg as a rule; only the others need the roster's emails.
ev AS MATERIALIZED (
    SELECT rid, employee_id AS who, true AS known, us, kind, ip, machine_open, reason, asm_group_id
    FROM typed_events
    WHERE employee_id IS NOT NULL
    UNION ALL
    SELECT e.rid, coalesce(r.employee_id, e.email), r.employee_id IS NOT NULL, e.us, e.kind, e.ip,
           e.machine_open, e.reason, e.asm_group_id
    FROM typed_events AS e
    LEFT JOIN roster_email AS r ON r.email = e.email
    WHERE e.employee_id IS NULL
),
-- The address of an employee known only from the custom arg (not on the roster).
stray_emails AS (
    SELECT employee_id, min(email) AS email
    FROM typed_events
    WHERE employee_id IS NOT NULL
      AND employee_id NOT IN (SELECT employee_id FROM roster)
    GROUP BY employee_id
),
recipients AS (
    SELECT who,
           bool_or(known) AS known,
           make_timestamptz(min(us) FILTER (kind IN (1, 2, 3, 4, 8, 9))) AS first_proof,
           make_timestamptz(min(us) FILTER (kind = 1)) AS first_delivery,
           make_timestamptz(max(us)) AS last_event_at,
           max(us) FILTER (kind IN (5, 6)) AS last_bounce_us,
           arg_max(reason, us) FILTER (kind IN (5, 6)) AS bounce_reason,
           bool_or(kind = 7) AS deferred,
           bool_or(kind = 3 OR (kind = 6 AND lower(trim(reason)) IN ('unsubscribed address',
                                                                    'spam reporting address')))
               AS unsubscribed,
           bool_or(kind = 2 AND machine_open) AS machine_open,
           make_timestamptz(min(us) FILTER (kind = 2 AND NOT machine_open)) AS plain_open_at
    FROM ev
    GROUP BY who
),
deliveries AS (
    SELECT who, us FROM ev WHERE kind = 1
),
clicks AS MATERIALIZED (
    SELECT rid, who, us, ip FROM ev WHERE kind = 4
),
opens AS (
    SELECT who, us, ip FROM ev WHERE kind = 2 AND NOT machine_open
),
-- IP rule: a window of 10 s in which 5+ distinct recipients clicked from one IP; every click
-- inside such a window is flagged. Windows are anchored at clicks (forward count), then each
-- click looks back 10 s for a qualifying anchor.
crowded_ips AS (
    SELECT ip FROM clicks WHERE ip IS NOT NULL GROUP BY ip HAVING count(DISTINCT who) >= 5
),
burst_windows AS (
    SELECT rid, ip, us,
           count(DISTINCT who) OVER (
               PARTITION BY ip ORDER BY us RANGE BETWEEN CURRENT ROW AND 10000000 FOLLOWING
           ) AS recipients
    FROM clicks SEMI JOIN crowded_ips USING (ip)
),
burst_clicks AS MATERIALIZED (
    SELECT rid, recipients
    FROM (
        SELECT rid, max(CASE WHEN recipients >= 5 THEN recipients END) OVER (
                   PARTITION BY ip ORDER BY us RANGE BETWEEN 10000000 PRECEDING AND CURRENT ROW
               ) AS recipients
        FROM burst_windows
    )
    WHERE recipients IS NOT NULL
),
-- Delivery rule: each click beside the recipient's latest delivery at or before it.
click_facts AS (
    SELECT c.rid, any_value(c.who) AS who, any_value(c.us) AS us, any_value(c.ip) AS ip,
           any_value(c.us) - max(d.us) AS after_delivery_us,
           coalesce(after_delivery_us <= $bot_click_seconds * 1000000, false) AS in_window,
           any_value(b.recipients) AS burst
    FROM clicks AS c
    LEFT JOIN deliveries AS d ON d.who = c.who AND d.us <= c.us
    LEFT JOIN burst_clicks AS b ON b.rid = c.rid
    GROUP BY c.rid
),
-- A scanner's pixel load shares the second of a suspect click, or its IP once that click has
-- happened (a burst IP is a scanner at any time). This finds the first human open without
-- recursion; the delivery rule then needs a human open strictly before the click. Only the
-- opens of recipients with suspect clicks need this scrutiny.
suspects AS (
    SELECT who, us, ip, burst IS NOT NULL AS burst
    FROM click_facts
    WHERE in_window OR burst IS NOT NULL
),
suspect_opens AS (
    SELECT who, us, ip FROM opens WHERE who IN (SELECT who FROM suspects)
),
suspect_seconds AS (
    SELECT DISTINCT who, us // 1000000 AS second FROM suspects
),
suspect_ips AS (
    SELECT who, ip, min(us) AS first_us, bool_or(burst) AS burst
    FROM suspects
    WHERE ip IS NOT NULL
    GROUP BY ALL
),
first_open AS (
    SELECT o.who, min(o.us) AS us
    FROM suspect_opens AS o
    LEFT JOIN suspect_seconds AS s ON s.who = o.who AND s.second = o.us // 1000000
    LEFT JOIN suspect_ips AS i ON i.who = o.who AND i.ip = o.ip
    WHERE s.who IS NULL AND (i.who IS NULL OR NOT (i.burst OR i.first_us <= o.us))
    GROUP BY o.who
),
judged_clicks AS MATERIALIZED (
    SELECT c.who, c.us, c.ip,
           c.in_window AND (f.us IS NULL OR f.us >= c.us) AS by_delivery,
           by_delivery OR c.burst IS NOT NULL AS bot,
           CASE
               WHEN by_delivery
                   THEN 'click ' || (c.after_delivery_us // 1000000) || ' s after delivery'
               WHEN c.burst IS NOT NULL
                   THEN 'same IP clicked for ' || c.burst || ' recipients within 10 s'
           END AS bot_reason
    FROM click_facts AS c
    LEFT JOIN first_open AS f USING (who)
),
click_summary AS (
    SELECT who,
           make_timestamptz(min(us) FILTER (NOT bot)) AS clicked_at,
           bool_or(bot) AS bot_click,
           arg_min(bot_reason, us) FILTER (bot) AS bot_reason
    FROM judged_clicks
    GROUP BY who
),
-- Human opens of recipients with flagged clicks: not in the second of a flagged click, not from
-- a flagged click's IP. Everyone else's human opens are simply their non-machine opens.
bot_seconds AS (
    SELECT DISTINCT who, us // 1000000 AS second FROM judged_clicks WHERE bot
),
bot_ips AS (
    SELECT DISTINCT who, ip FROM judged_clicks WHERE bot AND ip IS NOT NULL
),
scanned_opens AS (
    SELECT o.who, make_timestamptz(min(o.us)) AS first_open_at
    FROM suspect_opens AS o
    ANTI JOIN bot_seconds AS s ON s.who = o.who AND s.second = o.us // 1000000
    ANTI JOIN bot_ips AS i ON i.who = o.who AND i.ip = o.ip
    GROUP BY o.who
),
-- A group unsubscribe stands unless a resubscribe to the same group is strictly later.
group_optouts AS (
    SELECT who,
           bool_or(unsubscribed IS NOT NULL
                   AND (resubscribed IS NULL OR resubscribed <= unsubscribed)) AS opted_out
    FROM (
        SELECT who, asm_group_id,
               max(us) FILTER (kind = 8) AS unsubscribed,
               max(us) FILTER (kind = 9) AS resubscribed
        FROM ev
        WHERE kind IN (8, 9)
        GROUP BY ALL
    )
    GROUP BY who
),
done AS (
    SELECT employee_id, completed_at FROM completions WHERE campaign = $campaign
),
-- Everyone with events, plus active roster employees and completers without any.
people AS (
    SELECT * FROM recipients
    UNION ALL BY NAME
    SELECT employee_id AS who, true AS known
    FROM roster
    WHERE (active OR employee_id IN (SELECT employee_id FROM done))
      AND employee_id NOT IN (SELECT who FROM recipients)
),
funnel AS (
    SELECT CASE WHEN p.known THEN p.who END AS employee_id,
           coalesce(ro.email, se.email, CASE WHEN NOT p.known THEN p.who END) AS email,
           ro.name, ro.department, ro.manager, ro.location,
           CASE WHEN cs.bot_click THEN so.first_open_at ELSE p.plain_open_at END AS opened_at,
           CASE
               WHEN done.completed_at IS NOT NULL THEN 'completed'
               WHEN cs.clicked_at IS NOT NULL THEN 'clicked'
               WHEN opened_at IS NOT NULL THEN 'opened'
               WHEN p.first_proof IS NOT NULL THEN 'delivered'
               WHEN p.last_bounce_us IS NOT NULL THEN 'bounced'
               WHEN p.deferred THEN 'deferred'
               WHEN p.last_event_at IS NOT NULL THEN 'sent'
               ELSE 'not_sent'
           END AS stage,
           coalesce(p.unsubscribed, false) OR coalesce(g.opted_out, false) AS opted_out,
           coalesce(p.machine_open, false) AS machine_open,
           coalesce(cs.bot_click, false) AS bot_click,
           coalesce(p.first_delivery, p.first_proof) AS delivered_at,
           cs.clicked_at, p.last_event_at,
           CASE WHEN stage = 'bounced' THEN p.bounce_reason ELSE cs.bot_reason END AS reason
    FROM people AS p
    LEFT JOIN roster AS ro ON p.known AND ro.employee_id = p.who
    LEFT JOIN done ON p.known AND done.employee_id = p.who
    LEFT JOIN click_summary AS cs USING (who)
    LEFT JOIN scanned_opens AS so USING (who)
    LEFT JOIN group_optouts AS g USING (who)
    LEFT JOIN stray_emails AS se ON p.known AND se.employee_id = p.who
)
SELECT employee_id, email, name, department, manager, location, stage,
       opted_out, machine_open, bot_click,
       delivered_at, opened_at, clicked_at, last_event_at, reason
FROM funnel
ORDER BY employee_id NULLS FIRST, email
