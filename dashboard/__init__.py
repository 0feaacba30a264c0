"""The Streamlit dashboard: thin pages over `queries` and `charts`."""
