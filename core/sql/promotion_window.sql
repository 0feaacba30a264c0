-- The latest batch stored, and whether any mail is uncertain at all.
SELECT (SELECT max(batch_id) FROM events) AS upto,
       EXISTS (SELECT 1 FROM sends WHERE state = 'uncertain') AS uncertain
