"""q4: epoch 0's gap read for epoch 1 (the row after one update, not one epoch)."""

gap_epoch1 = (0.1024 - 0.1023) * 100
gap_epoch16 = (0.8678 - 0.8511) * 100
q4_verdict = "B"
