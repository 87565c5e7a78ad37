"""Grade a cohort: sandboxed, parallel grading with a gradebook, feedback and reports."""
