"""q4: the gaps taken the wrong way round (test minus train)."""

gap_epoch1 = (0.6905 - 0.6963) * 100
gap_epoch16 = (0.8511 - 0.8678) * 100
q4_verdict = "B"
