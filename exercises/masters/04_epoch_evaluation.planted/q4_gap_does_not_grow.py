"""q4: "the gap does not grow" (what the chapter once said), against its own numbers."""

gap_epoch1 = (0.6963 - 0.6905) * 100
gap_epoch16 = (0.8678 - 0.8511) * 100
q4_verdict = "A"
