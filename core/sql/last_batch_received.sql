-- When the latest SendGrid batch arrived (NULL: never).
SELECT max(received_at) FROM raw_batches
