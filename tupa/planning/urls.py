
app_name = "planning"

urlpatterns: list = []  # the pages: see views.py
