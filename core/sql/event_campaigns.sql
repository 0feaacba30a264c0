SELECT DISTINCT campaign FROM events ORDER BY campaign
