-- Bodies of this commit already archived (same bytes, same signature timestamp), with what they
-- became. A signature older than its max age is refused, so only recent archive rows can match:
-- zone maps on received_at keep this flat as the archive grows. Inside that hour, the range of
-- the candidates' signature timestamps leaves the few rows signed in the same seconds.
SELECT c.idx, o.received, o.stored, o.duplicates, o.quarantined, o.rejection
FROM candidates AS c
JOIN raw_batches AS r ON r.body_sha256 = c.body_sha256 AND r.signed_at = c.signed_at
JOIN batch_outcomes AS o ON o.batch_id = r.batch_id
WHERE r.received_at >= $since AND r.signed_at BETWEEN $first_signed AND $last_signed
