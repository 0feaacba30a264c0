-- A campaign defined to be sent (`mailpulse campaigns create`); a name is defined once.
INSERT INTO send_campaigns
VALUES ($name, $subject, $survey_url, $body, $body_html, $template_id, $reminder_subject,
        $reminder_body, $reminder_html, $deadline, now())
