-- Rows built by receiver/ingest.py: the Arrow table new_rows of its _insert.
INSERT INTO batch_outcomes BY NAME SELECT * FROM new_rows
