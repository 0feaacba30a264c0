-- Archive one completion post as received, before it is parsed.
INSERT INTO completion_posts (post_id, source, kind, received_at, header_id, body)
VALUES (nextval('completion_post_ids'), $source, $kind, $received_at, $header_id, $body)
RETURNING post_id
