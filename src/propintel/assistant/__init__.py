"""The AI assistant: the subscriber's knowledge base, scripts and call templates, retrieval over
them, and (next) a chat that knows the subscriber's business and leads (docs/assistant.md)."""
