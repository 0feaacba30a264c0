-- One request's recipients move from state $from to $to, nothing else changed (positions
-- $first..$last of the job: every mail in state $from there belongs to that request). Only the
-- state column is written, so a request's two moves add little to the write-ahead log.
UPDATE sends
SET state = $to
WHERE job_id = $job_id AND position BETWEEN $first AND $last AND state = $from
