from dashboard.ui.channels_page import render
from dashboard.ui.context import guarded

guarded(render)
