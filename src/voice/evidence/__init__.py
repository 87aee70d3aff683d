"""Evidence: quotes, the partnership's priorities, "you said, we did" and impact measures."""
