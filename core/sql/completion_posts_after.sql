-- Archived completion posts in arrival order, a chunk at a time (`reprocess`).
SELECT post_id, source, kind, received_at, header_id, body
FROM completion_posts
WHERE post_id > $after
ORDER BY post_id
LIMIT $limit
