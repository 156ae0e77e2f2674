"""Forms, one module per feature. Forms only check what was posted; writes go through assessment.services."""
