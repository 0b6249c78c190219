from dashboard.ui.context import guarded
from dashboard.ui.growth_page import render

guarded(render)
