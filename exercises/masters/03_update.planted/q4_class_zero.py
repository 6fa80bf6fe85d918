"""q4: "10% means it answers class 0" without reading the counts."""

predicted_digit = 0
q4_verdict = "B"
