"""A young person's response: start, save per step, resume, submit once; import and export."""
