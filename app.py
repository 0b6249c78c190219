"""Entry point: `streamlit run app.py`."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))  # runs without an installed package too

from dashboard.ui.shell import run  # noqa: E402

run()
