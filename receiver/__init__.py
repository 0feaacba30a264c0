"""The receiver: SendGrid's Event Webhook, authenticated, stored exactly once."""
