"""Load harness: simulated young people driving the real app over Streamlit's own websocket protocol."""
