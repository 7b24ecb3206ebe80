"""genlab's router: the pages in ui.nav, and the sidebar every page shares."""

import streamlit as st

from ui import export, link, present
from ui.frame import sidebar
from ui.nav import PAGES

presenting = present.active()
folded = presenting and not present.keeping()   # kept controls stay in view
st.set_page_config(page_title="genlab", page_icon=":material/science:", layout="wide",
                   initial_sidebar_state="collapsed" if folded
                   else "expanded" if presenting else "auto")
pages = [
    st.Page(spec.path, title=spec.title, icon=spec.icon, url_path=spec.url_path or None,
            default=not spec.url_path)
    for spec in PAGES
]
current = st.navigation(pages)
sidebar()
present.frame(presenting)
link.arrive(current.url_path or "home")
export.begin()
current.run()   # st.stop() (a page still training) ends the run here
link.finish()
present.keep_picker(link.drawn())
export.offer(current.url_path or "home")
