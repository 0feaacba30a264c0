-- Rows built by receiver/ingest.py, registered as new_rows.
INSERT INTO batch_outcomes BY NAME SELECT * FROM new_rows
