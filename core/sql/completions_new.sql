-- How many employees of the registered `resolved_completions` had no completion in $campaign.
SELECT count(DISTINCT employee_id)
FROM resolved_completions
WHERE employee_id NOT IN (SELECT employee_id FROM completions WHERE campaign = $campaign)
