"""The admin audit trail: written by every domain whose data an admin changes, read by admins."""
