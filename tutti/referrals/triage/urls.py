"""Joins the 'referrals' URL namespace: name each page uniquely, e.g. 'triage_...'."""

urlpatterns = []
