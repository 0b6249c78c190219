from dashboard.ui.context import guarded
from dashboard.ui.content_page import render

guarded(render)
