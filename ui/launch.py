"""``python -m ui.launch run streamlit_app.py [Streamlit's flags]``: Streamlit's own command
line, in a process that has already imported what the pages need (``ui.frame.settle``).

A class arrives at once. On a server started with a plain ``streamlit run``, the first page
view imports torch, scikit-learn and plotly, and every student of the first wave waits for
it: 50 sessions opening warm pages on a fresh server finished after a median of 7.4 s, 2.3 s
once the server had imported them. It then opens every page once itself (``ui.prewarm``), so
that the class finds each page's figures built. ``make run`` and ``make serve`` start the app
this way.
"""

from __future__ import annotations

import logging
import sys


def main() -> None:
    # Before the runtime exists, each st.cache_data decorator checks its settings against a
    # stand-in store and warns; the caches themselves are made in the runtime, on first use.
    import streamlit  # noqa: F401  (sets its loggers' levels: ours goes after)

    checks = logging.getLogger("streamlit.runtime.caching.cache_data_api")
    level = checks.level
    checks.setLevel(logging.ERROR)
    from ui.frame import settle

    try:
        settle()
    finally:
        checks.setLevel(level)
    from ui import prewarm

    prewarm.start()
    from streamlit.web.cli import main as streamlit_cli

    sys.argv[0] = "streamlit"
    streamlit_cli()


if __name__ == "__main__":
    main()
