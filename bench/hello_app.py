"""The smallest Streamlit page with a title: the floor the browser benchmark measures (bench/browser.py)."""

import streamlit as st

st.title("Hello")
st.write("The floor: Streamlit alone.")
