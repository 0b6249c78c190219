from dashboard.ui.content_page import render
from dashboard.ui.context import guarded

guarded(render)
