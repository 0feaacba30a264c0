-- Benchmark filler: exactly $n events in time order. The live campaign 'bench' comes first: its
-- mail goes to 99% of $employees (the rest stay not_sent), sent over 20 minutes two weeks before
-- $until. The rest of the $n are older monthly campaigns ('survey-01' a month earlier, and so on)
-- with the same mix, so 'bench' is a small part of a large store, as in production.
--
-- Each (campaign, person) gets what SendGrid posts for one survey invitation: processed, then a
-- delivery (5% deferred first; 3% bounce, block or drop instead), Apple Mail Privacy Protection
-- opens (40%), human opens from the person's own IP, clicks after them (a few without an open),
-- corporate link scanners (8%) clicking and loading the pixel 1-4 s after delivery from 8 shared
-- IPs (dense enough to trip the same-IP rule too), a reminder mail a week later for 60%, and a
-- few unsubscribes, spam reports and group (un)subscribes. 1% of people come without the employee
-- custom arg (found by roster email), 0.2% are strangers to the roster. About 6 events a person.
INSERT INTO events
WITH
people AS (
    SELECT c, p,
           CASE WHEN c = 0 THEN 'bench' ELSE 'survey-' || lpad(c::VARCHAR, 2, '0') END AS campaign,
           -- sends spread over 20 minutes, campaign c starts c months before 'bench'
           epoch_us($until::TIMESTAMPTZ) - (14 + 30 * c) * 86400000000
               + p * (1200000000 // $employees) AS sent_us,
           hash(c, p, 1) % 1000 / 1000 AS u_fate,   -- bounce, defer
           hash(c, p, 2) % 1000 / 1000 AS u_mpp,    -- Apple's machine opens
           hash(c, p, 3) % 1000 / 1000 AS u_scan,   -- a link scanner in front of the mailbox
           hash(c, p, 4) % 1000 / 1000 AS u_open,   -- human opens
           hash(c, p, 5) % 1000 / 1000 AS u_click,  -- human clicks
           hash(c, p, 6) % 1000 / 1000 AS u_opt,    -- opting out
           hash(c, p, 7) % 1000 / 1000 AS u_who,    -- missing custom arg, stranger
           hash(c, p, 8) % 1000 / 1000 AS u_when,   -- how long until the person opens
           hash(c, p, 9) % 1000 / 1000 AS u_remind  -- reminder mail
    FROM range((($n // ($employees * 5)) + 2)::BIGINT) AS cs(c), range($employees) AS ps(p)
    WHERE c > 0 OR p % 100 <> 99
),
timed AS (
    SELECT *,
           sent_us + CASE WHEN u_fate >= 0.95 THEN 1800 ELSE 2 + p % 4 END * 1000000 AS delivered_us,
           delivered_us + (60 + (u_when * u_when * 5 * 86400)::BIGINT) * 1000000 AS opened_us,
           u_fate < 0.03 AS lost,
           '84.' || p % 200 || '.' || p // 200 % 250 || '.' || c % 250 AS own_ip,
           '40.94.' || p % 8 || '.13' AS scanner_ip
    FROM people
),
-- One candidate row per (person, slot); slots that do not happen to this person have no kind.
slots AS (
    SELECT t.*, s AS slot,
           CASE s
               WHEN 0 THEN 'processed'
               WHEN 1 THEN CASE WHEN u_fate >= 0.95 THEN 'deferred' END
               WHEN 2 THEN CASE WHEN u_fate < 0.015 THEN 'bounce' WHEN u_fate < 0.025 THEN 'bounce'
                                WHEN lost THEN 'dropped' ELSE 'delivered' END
               WHEN 3 THEN CASE WHEN NOT lost AND u_mpp < 0.40 THEN 'open' END
               WHEN 4 THEN CASE WHEN NOT lost AND u_mpp < 0.20 THEN 'open' END
               WHEN 5 THEN CASE WHEN NOT lost AND u_scan < 0.08 THEN 'click' END
               WHEN 6 THEN CASE WHEN NOT lost AND u_scan < 0.08 THEN 'open' END
               WHEN 7 THEN CASE WHEN NOT lost AND u_open < 0.55 THEN 'open' END
               WHEN 8 THEN CASE WHEN NOT lost AND u_open < 0.30 THEN 'open' END
               WHEN 9 THEN CASE WHEN NOT lost AND u_open < 0.55 AND u_click < 0.40 THEN 'click' END
               WHEN 10 THEN CASE WHEN NOT lost AND u_open < 0.55 AND u_click < 0.12 THEN 'click' END
               WHEN 11 THEN CASE WHEN NOT lost AND u_open >= 0.55 AND u_click < 0.05 THEN 'click' END
               WHEN 12 THEN CASE WHEN NOT lost AND u_remind < 0.60 THEN 'processed' END
               WHEN 13 THEN CASE WHEN NOT lost AND u_remind < 0.60 THEN 'delivered' END
               WHEN 14 THEN CASE WHEN NOT lost AND u_opt < 0.005 THEN 'unsubscribe'
                                 WHEN NOT lost AND u_opt < 0.006 THEN 'spamreport'
                                 WHEN NOT lost AND u_opt < 0.010 THEN 'group_unsubscribe' END
               WHEN 15 THEN CASE WHEN NOT lost AND u_opt BETWEEN 0.006 AND 0.008
                                 THEN 'group_resubscribe' END
               WHEN 16 THEN CASE WHEN NOT lost AND u_remind < 0.60 AND u_mpp < 0.40 THEN 'open' END
               WHEN 17 THEN CASE WHEN NOT lost AND u_remind < 0.60 AND u_open < 0.35 THEN 'open' END
           END AS kind,
           CASE s
               WHEN 0 THEN sent_us
               WHEN 1 THEN sent_us + 30000000
               WHEN 2 THEN CASE WHEN lost THEN sent_us + 3000000 ELSE delivered_us END
               WHEN 3 THEN delivered_us + (10 + p % 600) * 1000000
               WHEN 4 THEN delivered_us + (3600 + p % 86400) * 1000000
               WHEN 5 THEN delivered_us + (1 + p % 4) * 1000000
               WHEN 6 THEN delivered_us + (1 + p % 4) * 1000000 + 400000
               WHEN 7 THEN opened_us
               WHEN 8 THEN opened_us + (600 + p % 172800) * 1000000
               WHEN 9 THEN opened_us + (20 + p % 580) * 1000000
               WHEN 10 THEN opened_us + (900 + p % 3600) * 1000000
               WHEN 11 THEN delivered_us + (7200 + p % 86400) * 1000000
               WHEN 12 THEN sent_us + 7 * 86400000000
               WHEN 13 THEN sent_us + 7 * 86400000000 + 3000000
               WHEN 14 THEN opened_us + (60 + p % 3600) * 1000000
               WHEN 15 THEN opened_us + (86400 + p % 3600) * 1000000
               WHEN 16 THEN sent_us + 7 * 86400000000 + (20 + p % 600) * 1000000
               WHEN 17 THEN sent_us + 7 * 86400000000 + (600 + p % 86400) * 1000000
           END AS us,
           CASE WHEN s IN (5, 6) THEN scanner_ip
                WHEN s IN (3, 4, 16) THEN '17.58.' || p % 50 || '.1'
                WHEN s IN (7, 8, 9, 10, 11, 17) THEN own_ip END AS ip
    FROM timed AS t, range(18) AS ss(s)
),
chosen AS (
    SELECT *
    FROM slots
    WHERE kind IS NOT NULL
    ORDER BY c, p, slot
    LIMIT $n
)
SELECT ('0x' || left(sha256('pre-' || c || '-' || p || '-' || slot), 32))::UHUGEINT, 0, 0, kind, make_timestamptz(us), $until,
       CASE WHEN u_who < 0.002 THEN 's' || p || '@else.example' ELSE 'e' || p || '@corp.example' END,
       campaign,
       CASE WHEN u_who >= 0.012 THEN 'E' || p END,
       'm' || c || 'x' || p || CASE WHEN slot >= 12 THEN 'r' ELSE '' END,
       'pre-' || c || '-' || p || '-' || slot,
       CASE WHEN kind = 'bounce' THEN CASE WHEN u_fate < 0.015 THEN 'bounce' ELSE 'blocked' END END,
       CASE WHEN kind = 'bounce' AND u_fate < 0.015 THEN '550 5.1.1 The email account does not exist'
            WHEN kind = 'bounce' THEN '554 5.7.1 Blocked by policy'
            WHEN kind = 'dropped' THEN 'Bounced Address'
            WHEN kind = 'deferred' THEN '451 4.7.1 Try again later' END,
       ip, NULL, CASE WHEN kind = 'click' THEN 'https://survey.example/s' END,
       kind = 'open' AND slot IN (3, 4, 16),
       CASE WHEN kind LIKE 'group_%' THEN 7 END,
       NULL,  -- the payload: the product keeps events' JSON in the raw archive only
       ('0x' || left(sha256('content-' || c || '-' || p || '-' || slot), 32))::UHUGEINT,
       NULL  -- send_id
FROM chosen
ORDER BY us
