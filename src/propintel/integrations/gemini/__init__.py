"""Google Gemini: text to speech for AI calls (``tts.py``)."""
