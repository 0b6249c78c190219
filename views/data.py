from dashboard.ui.context import guarded
from dashboard.ui.data_page import render

guarded(render)
