from dashboard.ui.context import guarded
from dashboard.ui.definitions_page import render

guarded(render)
