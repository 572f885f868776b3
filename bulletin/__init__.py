"""bulletin: Markdown incident entries -> a monthly human-rights bulletin as PDF, DOCX and HTML."""

__version__ = "0.1.0"
