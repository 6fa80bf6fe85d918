"""q4: the gaps as accuracy fractions (0.0058) instead of percentage points (0.58)."""

gap_epoch1 = 0.6963 - 0.6905
gap_epoch16 = 0.8678 - 0.8511
q4_verdict = "B"
