"""The explorer pages, one module each (run by ``st.navigation``, not imported)."""
