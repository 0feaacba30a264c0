-- Campaigns a survey token can belong to: those with events, completions or a source naming them.
SELECT DISTINCT campaign FROM (
    SELECT DISTINCT campaign FROM events
    UNION SELECT DISTINCT campaign FROM completions
    UNION SELECT campaign FROM completion_sources WHERE campaign IS NOT NULL
)
ORDER BY campaign
