"""Young People's Voice: the product. Nothing here but voice.ui imports streamlit."""

__version__ = "0.1.0"
