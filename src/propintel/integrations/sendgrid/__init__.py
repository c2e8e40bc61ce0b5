"""SendGrid adapters (the official ``sendgrid`` library; nothing of ours but the interface)."""
