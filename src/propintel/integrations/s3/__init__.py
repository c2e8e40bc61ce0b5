"""The S3 adapter of file storage (AWS S3 or any S3-compatible object storage)."""
