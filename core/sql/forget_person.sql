-- One person erased everywhere but the raw archive and quarantine (rewritten in Python).
DELETE FROM events WHERE employee_id = ANY($ids) OR email = ANY($emails);
DELETE FROM funnel_state WHERE who = ANY($ids) OR who = ANY($emails) OR event_email = ANY($emails);
DELETE FROM completions WHERE employee_id = ANY($ids);
-- a survey tool's post is one person's completion: its raw body goes with it
DELETE FROM completion_posts
WHERE post_id IN (SELECT post_id FROM completion_receipts WHERE employee_id = ANY($ids));
DELETE FROM completion_receipts WHERE employee_id = ANY($ids);
DELETE FROM sends WHERE employee_id = ANY($ids);
DELETE FROM roster WHERE employee_id = ANY($ids) OR lower(trim(email)) = ANY($emails);
UPDATE roster SET manager_id = NULL, manager = NULL WHERE manager_id = ANY($ids);
DELETE FROM users WHERE email = ANY($emails);
DELETE FROM sign_in_failures WHERE email = ANY($emails);
UPDATE audit SET actor = '(erased person)' WHERE actor = ANY($emails);
