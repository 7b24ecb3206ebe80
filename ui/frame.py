"""The frame every page shares: the sidebar's title, the lecture it follows, the device."""

from __future__ import annotations

import streamlit as st

from core.device import choose_device, describe


@st.cache_resource
def _device_line() -> str:
    try:
        return describe(choose_device())
    except ValueError as err:  # a bad GENLAB_DEVICE: say so, and train on the CPU
        return f"CPU ({err})"


def sidebar() -> None:
    with st.sidebar:
        st.caption("genlab — a lab for *A Brief Intro to Generative Models* (Lecture 06)")
        st.caption(f"Trains on: {_device_line()}")
