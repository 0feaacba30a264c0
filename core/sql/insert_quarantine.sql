-- Rows built by receiver/ingest.py, registered as new_rows.
INSERT INTO quarantine BY NAME SELECT * FROM new_rows
