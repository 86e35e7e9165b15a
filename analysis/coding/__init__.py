"""Coding: the codebook, the coding table (contribution x code x coder), its checks, and inter-coder reliability. Reads the evidence; knows nothing of comparisons or the briefing."""
