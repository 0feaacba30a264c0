INSERT INTO audit (happened_at, actor, action, campaign, segment, rows, detail)
VALUES (now(), $actor, $action, $campaign, $segment, $rows, $detail)
