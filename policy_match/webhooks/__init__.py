"""Partner webhooks (design §14): endpoints, events made from the change events, window
reminders and application records, and their signed, retried deliveries."""
