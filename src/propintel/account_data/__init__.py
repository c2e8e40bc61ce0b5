"""Your data: everything an account owns as one JSON download, and deleting the account."""
