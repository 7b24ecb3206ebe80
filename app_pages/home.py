import streamlit as st

from ui.nav import PANELS

st.title("genlab")
st.write(
    "An interactive lab for the lecture *A Brief Intro to Generative Models*. Each page "
    "trains real models live and shows the lecture's equations beside the numbers they make."
)
for spec in PANELS:
    with st.container(border=True):
        st.page_link(spec.path, label=spec.title, icon=spec.icon)
        st.write(spec.blurb)
        st.caption(f"Slides: {spec.slides}")
