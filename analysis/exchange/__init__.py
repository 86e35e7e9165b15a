"""Exchange: REFI-QDA project and codebook files for QDA programs, and the open-data package. Sits beside the report: it reads evidence and coding and writes files others can open."""
