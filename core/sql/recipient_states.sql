-- Funnel state of the recipients of $campaign touched by events after batch $since (-1: all of
-- them), one `funnel_state` row each (SPEC "Funnel stages" and "Precise rules"). A recipient
-- (`who`) is the employee id, else the email of an unknown person. Times are compared as epoch
-- microseconds (`us`): integer arithmetic, no time-zone calendar.
WITH
-- The campaign's events with an address, read once. `kind` codes the event types the funnel
-- reads (integers compare faster than text): 1 delivered, 2 open, 3 unsubscribe or spamreport,
-- 4 click, 5 bounce, 6 dropped, 7 deferred, 8 group_unsubscribe, 9 group_resubscribe, 0 anything
-- else (processed, unknown types).
typed AS MATERIALIZED (
    SELECT employee_id, email, batch_id, epoch_us(ts) AS us, ip, machine_open,
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
-- Roster emails are stored trimmed and lower-cased (roster import), like event emails, so the
-- case-insensitive match is a plain join. An address on two entries goes to the active one.
roster_email AS (
    SELECT email, arg_min(employee_id, (NOT active, employee_id)) AS employee_id
    FROM roster
    WHERE email IN (SELECT email FROM typed WHERE employee_id IS NULL)
    GROUP BY email
),
by_email AS MATERIALIZED (
    SELECT coalesce(r.employee_id, t.email) AS who, r.employee_id IS NOT NULL AS known,
           t.* EXCLUDE (employee_id, email)
    FROM typed AS t
    LEFT JOIN roster_email AS r ON r.email = t.email
    WHERE t.employee_id IS NULL
),
campaign_events AS NOT MATERIALIZED (
    SELECT employee_id AS who, true AS known, email AS event_email,
           * EXCLUDE (employee_id, email)
    FROM typed
    WHERE employee_id IS NOT NULL
    UNION ALL BY NAME
    SELECT *, NULL AS event_email FROM by_email
),
campaign_clicks AS MATERIALIZED (
    SELECT who, us, ip, batch_id > $since AS new FROM campaign_events WHERE kind = 4
),
-- Who needs judging again: the recipients of new events; and as the IP rule links recipients,
-- those with a click up to $bot_ip_window_us either side of a new click from the same IP (its verdict may
-- change). A window, not a join: a scanner's IP clicks thousands of times.
news AS (
    SELECT who FROM campaign_events WHERE batch_id > $since
),
linked AS (
    SELECT who
    FROM (
        SELECT who, bool_or(new) OVER (
                   PARTITION BY ip ORDER BY us
                   RANGE BETWEEN $bot_ip_window_us PRECEDING AND $bot_ip_window_us FOLLOWING
               ) AS near_new
        FROM campaign_clicks
        WHERE $since >= 0 AND ip IN (SELECT ip FROM campaign_clicks WHERE new)
    )
    WHERE near_new
),
touched AS (
    SELECT who FROM news UNION SELECT who FROM linked
),
ev AS MATERIALIZED (
    SELECT * FROM campaign_events WHERE who IN (SELECT who FROM touched)
),
recipients AS (
    SELECT who,
           bool_or(known) AS known,
           min(event_email) AS event_email,
           min(us) FILTER (kind IN (1, 2, 3, 4, 8, 9)) AS first_proof,
           min(us) FILTER (kind = 1) AS first_delivery,
           max(us) AS last_event_us,
           bool_or(kind IN (5, 6)) AS bounced,
           arg_max(reason, us) FILTER (kind IN (5, 6)) AS bounce_reason,
           bool_or(kind = 7) AS deferred,
           bool_or(kind = 3 OR (kind = 6 AND lower(trim(reason)) IN ('unsubscribed address',
                                                                    'spam reporting address')))
               AS unsubscribed,
           bool_or(kind = 2 AND machine_open) AS machine_open,
           min(us) FILTER (kind = 2 AND NOT machine_open) AS plain_open_us
    FROM ev
    GROUP BY who
),
clicks AS MATERIALIZED (
    SELECT row_number() OVER () AS cid, who, us, ip FROM ev WHERE kind = 4
),
-- IP rule: a window of $bot_ip_window_us in which $bot_ip_recipients or more distinct recipients
-- clicked from one IP; every click inside such a window is flagged. Windows are anchored at clicks
-- (forward count), then each click looks back a window for a qualifying anchor. Both depend on (ip, us) only, and need every
-- click of the campaign from the IPs of the clicks being judged.
ip_clicks AS MATERIALIZED (
    SELECT who, us, ip FROM campaign_clicks WHERE ip IN (SELECT ip FROM clicks)
),
crowded_ips AS (
    SELECT ip FROM ip_clicks GROUP BY ip HAVING count(DISTINCT who) >= $bot_ip_recipients
),
burst_windows AS (
    SELECT ip, us,
           count(DISTINCT who) OVER (
               PARTITION BY ip ORDER BY us RANGE BETWEEN CURRENT ROW AND $bot_ip_window_us FOLLOWING
           ) AS recipients
    FROM ip_clicks SEMI JOIN crowded_ips USING (ip)
),
bursts AS (
    SELECT DISTINCT ip, us, recipients
    FROM (
        SELECT ip, us, max(CASE WHEN recipients >= $bot_ip_recipients THEN recipients END) OVER (
                   PARTITION BY ip ORDER BY us RANGE BETWEEN $bot_ip_window_us PRECEDING AND CURRENT ROW
               ) AS recipients
        FROM burst_windows
    )
    WHERE recipients IS NOT NULL
),
-- Delivery rule: each click beside the recipient's latest delivery at or before it.
deliveries AS (
    SELECT who, us FROM ev WHERE kind = 1 AND who IN (SELECT who FROM clicks)
),
click_facts AS MATERIALIZED (
    SELECT c.cid, any_value(c.who) AS who, any_value(c.us) AS us, any_value(c.ip) AS ip,
           any_value(c.us) - max(d.us) AS after_delivery_us,
           coalesce(after_delivery_us <= $bot_click_seconds * 1000000, false) AS in_window,
           any_value(b.recipients) AS burst
    FROM clicks AS c
    LEFT JOIN deliveries AS d ON d.who = c.who AND d.us <= c.us
    LEFT JOIN bursts AS b ON b.ip = c.ip AND b.us = c.us
    GROUP BY c.cid
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
suspect_opens AS MATERIALIZED (
    SELECT who, us, ip FROM ev
    WHERE kind = 2 AND NOT machine_open AND who IN (SELECT who FROM suspects)
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
                   THEN 'same IP clicked for ' || c.burst || ' recipients within ' || ($bot_ip_window_us // 1000000) || ' s'
           END AS bot_reason
    FROM click_facts AS c
    LEFT JOIN first_open AS f USING (who)
),
click_summary AS (
    SELECT who,
           min(us) FILTER (NOT bot) AS clicked_us,
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
    SELECT o.who, min(o.us) AS first_open_us
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
)
SELECT $campaign AS campaign, r.who, r.known, r.event_email,
       make_timestamptz(coalesce(r.first_delivery, r.first_proof)) AS delivered_at,
       make_timestamptz(CASE WHEN cs.bot_click THEN so.first_open_us ELSE r.plain_open_us END)
           AS opened_at,
       make_timestamptz(cs.clicked_us) AS clicked_at,
       make_timestamptz(r.last_event_us) AS last_event_at,
       r.bounced, r.deferred,
       coalesce(r.unsubscribed, false) OR coalesce(g.opted_out, false) AS opted_out,
       r.machine_open,
       coalesce(cs.bot_click, false) AS bot_click,
       r.bounce_reason,
       cs.bot_reason
FROM recipients AS r
LEFT JOIN click_summary AS cs USING (who)
LEFT JOIN scanned_opens AS so USING (who)
LEFT JOIN group_optouts AS g USING (who)
