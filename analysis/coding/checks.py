"""Every check of the codebook, the coding and the analysts' files, added to
:data:`analysis.evidence.validate.CHECKS` in the order they report: importing this module is
what makes ``python -m analysis validate`` and the build check them."""

from analysis.coding.codebook import check_codebook_overlaps
from analysis.coding.coding_checks import check_coding, check_statement_functions
from analysis.coding.crosswalk import check_crosswalk
from analysis.coding.implications import check_implications
from analysis.coding.opposing import check_opposing
from analysis.coding.questions import check_synthesis
from analysis.coding.recorded_tests import check_frozen_references, check_reliability_tests
from analysis.evidence.validate import register_check

CODING_CHECKS = (check_coding, check_statement_functions, check_reliability_tests, check_frozen_references,
                 check_codebook_overlaps, check_crosswalk, check_opposing, check_synthesis, check_implications)

for check in CODING_CHECKS:
    register_check(check)
