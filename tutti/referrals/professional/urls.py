"""Joins the 'referrals' URL namespace: name each page uniquely, e.g. 'professional_...'."""

urlpatterns = []
