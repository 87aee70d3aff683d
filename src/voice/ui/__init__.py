"""Shared Streamlit pieces. The only part of `voice` that imports streamlit."""
