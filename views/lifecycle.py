from dashboard.ui.context import guarded
from dashboard.ui.lifecycle_page import render

guarded(render)
