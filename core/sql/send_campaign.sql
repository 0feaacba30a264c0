-- One campaign's definition for sending.
SELECT name, subject, survey_url, body, body_html, template_id, reminder_subject, reminder_body,
       reminder_html, deadline
FROM send_campaigns
WHERE name = $name
