"""Together AI: the assistant's chat model (``chat.py``)."""
