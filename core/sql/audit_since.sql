-- The audit trail from $since on (NULL: all of it), oldest first.
SELECT happened_at AS "at", actor, action, campaign, segment, rows, detail
FROM audit
WHERE $since::TIMESTAMPTZ IS NULL OR happened_at >= $since::TIMESTAMPTZ
ORDER BY happened_at, id
