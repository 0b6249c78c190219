from dashboard.ui.alerts_page import render
from dashboard.ui.context import guarded

guarded(render)
