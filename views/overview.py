from dashboard.ui.context import guarded
from dashboard.ui.overview_page import render

guarded(render)
