from dashboard.ui.context import guarded
from dashboard.ui.review_page import render

guarded(render)
