-- Whether $campaign was purged (retention): its people are gone, only its counts are kept.
SELECT EXISTS (SELECT 1 FROM purged_campaigns WHERE campaign = $campaign)
