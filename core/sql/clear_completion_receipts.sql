-- `reprocess`: receipts are rebuilt from the archived posts.
DELETE FROM completion_receipts
