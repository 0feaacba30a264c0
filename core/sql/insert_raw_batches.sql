-- Rows built by receiver/ingest.py, registered as new_rows.
INSERT INTO raw_batches BY NAME SELECT * FROM new_rows
