"""State changes for delivery, one module per area. Views, the API and commands call these;
each is atomic and keyword-only, and leaves an audit record."""
