"""The investigator explorer: a Streamlit app over the HTTP API (never over Neo4j directly).

``sidedeal dashboard`` serves ``app.py``; each page lives in ``views/`` and stays thin, with the
API client in :mod:`.client`, shared page plumbing in :mod:`.ui`, and the pure shaping of API
responses (highlighting, charts, the network page) in their own modules.
"""

from pathlib import Path

APP = Path(__file__).resolve().parent / "app.py"
