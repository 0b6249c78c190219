from dashboard.ui.context import guarded
from dashboard.ui.targets_page import render

guarded(render)
