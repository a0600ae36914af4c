"""The monthly picture beyond the email: the national page for MSOICU, and the chief constable's signed link."""
