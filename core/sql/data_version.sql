-- A cheap fingerprint of everything the live pages show: it changes when a batch is stored,
-- an event erased, the roster re-imported, a completion recorded or a mail's state moves.
SELECT (SELECT coalesce(max(batch_id), 0) FROM batch_outcomes) AS batch,
       (SELECT count(*) FROM events) AS events,
       (SELECT bit_xor(hash(r)) FROM roster AS r) AS roster,
       (SELECT bit_xor(hash(c)) FROM completions AS c) AS completions,
       (SELECT bit_xor(hash(s.send_id, s.state)) FROM sends AS s) AS sends
