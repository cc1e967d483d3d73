"""Delivery pages, one module per area; thin views over services and selectors."""
