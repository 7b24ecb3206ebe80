import streamlit as st

from ui import store_status
from ui.nav import LECTURE

st.title("genlab")
st.write(
    "An interactive lab for the lecture *A Brief Intro to Generative Models*. Each page "
    "trains real models live and shows the lecture's equations beside the numbers they make. "
    "The lecture, part by part:"
)
for part in LECTURE:
    with st.container(border=True):
        st.subheader(part.title)
        st.write(part.summary)
        st.caption(f"Slides: {part.slides}")
        st.page_link(part.page.path, label=f"Open: {part.page.title}", icon=part.page.icon)
        store_status.show(part.page)   # trained before class, or trained when first opened
