"""The social work visioning comparison: evidence -> coding -> compare -> report, with exchange beside report."""
