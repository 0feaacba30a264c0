-- Active roster employees: the only people mailpulse ever mails.
SELECT employee_id, email, name FROM roster WHERE active
